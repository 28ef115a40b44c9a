"""The clock, the request journal and the coverage report, as a user of the wheel reaches them:
through the package's Emulator and the plugin, with the official SDK making the calls."""

import json

import pytest
from alibabacloud_eci20180808 import models
from alibabacloud_eci20180808.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from Tea.exceptions import TeaException

from eci_emulator import Emulator

REGION = "cn-hangzhou"


def client_for(emulator):
    config = open_api_models.Config(
        access_key_id="LTAI5tInsight", access_key_secret="any", endpoint=emulator.endpoint, protocol="http", region_id=REGION
    )
    return Client(config)


def create(client, name="web", cpu=None):
    request = models.CreateContainerGroupRequest(
        region_id=REGION,
        container_group_name=name,
        cpu=cpu,
        memory=None if cpu is None else cpu * 2,
        container=[models.CreateContainerGroupRequestContainer(name="web", image="nginx:1.25")],
    )
    return client.create_container_group(request).body.container_group_id


def group(client, group_id):
    request = models.DescribeContainerGroupsRequest(
        region_id=REGION, container_group_ids=json.dumps([group_id]), with_event=True
    )
    return client.describe_container_groups(request).body.container_groups[0]


def test_a_frozen_clock_runs_hour_long_stages_without_waiting():
    flags = ["--clock", "frozen", "--start-time", "2030-01-01T00:00:00Z", "--stage-delay-ms", "3600000", "--stage-jitter-ms", "0"]
    with Emulator(flags) as emulator:
        client = client_for(emulator)
        group_id = create(client, "slow")
        assert group(client, group_id).status == "Scheduling"
        assert emulator.advance(3600) == {"now": "2030-01-01T01:00:00Z", "frozen": True}
        assert group(client, group_id).status == "Pending"
        emulator.advance(7200)
        described = group(client, group_id)
        assert described.status == "Running"
        assert described.creation_time == "2030-01-01T00:00:00Z"
        events = {e.reason: e.first_timestamp for e in described.events}
        assert events["Scheduled"] == "2030-01-01T01:00:00Z" and events["Started"] == "2030-01-01T02:00:00Z", events
        with pytest.raises(Exception) as refused:
            emulator.set_time("2029-01-01T00:00:00Z")
        assert "never goes back" in str(refused.value)
        assert emulator.clock()["now"] == "2030-01-01T03:00:00Z"


def test_assert_called_finds_the_call_and_shows_near_misses(eci_emulator, eci_client):
    create(eci_client, "small", cpu=2.0)
    with pytest.raises(TeaException):
        eci_client.describe_container_groups(models.DescribeContainerGroupsRequest(region_id=REGION, limit=-1))

    found = eci_emulator.assert_called("CreateContainerGroup", ContainerGroupName="small", Cpu=2, code="OK")
    assert len(found) == 1 and found[0]["params"]["Container.1.Image"] == "nginx:1.25"
    eci_emulator.assert_called("DescribeContainerGroups", code="InvalidParameter", times=1)

    with pytest.raises(AssertionError) as missed:
        eci_emulator.assert_called("CreateContainerGroup", ContainerGroupName="small", Cpu=4)
    message = str(missed.value)
    assert "no CreateContainerGroup call with ContainerGroupName='small', Cpu='4'" in message
    assert "Cpu='2.0' (wanted '4')" in message, message
    assert "DescribeContainerGroups answered InvalidParameter (not CreateContainerGroup)" in message, message
    with pytest.raises(AssertionError, match="was called 1 times, not 2"):
        eci_emulator.assert_called("CreateContainerGroup", times=2)
    assert [c["action"] for c in eci_emulator.calls(code="OK")] == ["CreateContainerGroup"]


def test_every_test_starts_with_an_empty_journal(eci_emulator, eci_client):
    assert eci_emulator.calls() == []


SHORT_SUITE = '''
import pytest
from alibabacloud_eci20180808 import models
from Tea.exceptions import TeaException

def create(client, name):
    request = models.CreateContainerGroupRequest(region_id="cn-hangzhou", container_group_name=name,
        container=[models.CreateContainerGroupRequestContainer(name="web", image="nginx")])
    return client.create_container_group(request).body.container_group_id

def test_two_creates(eci_client):
    create(eci_client, "one")
    create(eci_client, "two")

def test_a_refused_describe(eci_client):
    with pytest.raises(TeaException):
        eci_client.describe_container_groups(models.DescribeContainerGroupsRequest(region_id="cn-hangzhou", limit=-1))
'''


@pytest.mark.parametrize("suffix", [".json", ".html"])
def test_the_plugin_writes_the_coverage_of_a_short_suite(pytester, suffix):
    pytester.makepyfile(test_short=SHORT_SUITE)
    pytester.makeini("[pytest]\neci_emulator_args = --lifecycle immediate\n")
    path = pytester.path / f"coverage{suffix}"
    result = pytester.runpytest_subprocess(f"--eci-coverage={path}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.re_match_lines([r"eci-emulator coverage: 2/\d+ operations \(ECI 2/36, VPC 0/30, ECS 0/22, STS 0/1, Resource Manager 0/2\), 1 error codes seen"])
    if suffix == ".html":
        page = path.read_text()
        assert '<tr class="called" data-action="CreateContainerGroup">' in page
        return
    report = json.loads(path.read_text())
    eci = next(p for p in report["products"] if p["product"] == "eci")
    operations = {o["action"]: o for o in eci["operations"]}
    assert (operations["CreateContainerGroup"]["calls"], operations["CreateContainerGroup"]["successes"]) == (2, 2)
    assert operations["DescribeContainerGroups"]["errors"] == {"InvalidParameter": 1}
    assert operations["DescribeContainerGroups"]["parameters"] == ["Limit", "RegionId"]
    assert "Container.N.Image" in operations["CreateContainerGroup"]["parameters"]
    assert report["summary"]["calls"] == 3 and report["errorCodesSeen"] == ["InvalidParameter"]
    assert operations["ListUsage"]["calls"] == 0
