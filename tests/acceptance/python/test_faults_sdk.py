"""Fault rules and rate limits as the official SDK (alibabacloud_eci20180808) meets them."""

import json
import tempfile
import time
from pathlib import Path

import pytest
from alibabacloud_eci20180808 import models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ThrottlingException

from conftest import ROOT, Emulator
from test_tea_sdk import REGION, client

CATALOGUE = ROOT / "src" / "error" / "catalogue.tsv"


def create_rows():
    """The CreateContainerGroup rows of the project's error catalogue: (status, code, template)."""
    rows = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        action, status, code, template = line.split("\t")
        if action == "CreateContainerGroup":
            rows.append((int(status), code, template))
    return rows


def create(c, name="faulty", zone_id=None, **extra):
    container = models.CreateContainerGroupRequestContainer(name="app", image="nginx:1.25")
    request = models.CreateContainerGroupRequest(
        region_id=REGION, container_group_name=name, container=[container], zone_id=zone_id, **extra
    )
    return c.create_container_group(request).body


def describe(c, **filters):
    return c.describe_container_groups(models.DescribeContainerGroupsRequest(region_id=REGION, **filters)).body


def raised_by(call):
    with pytest.raises(Exception) as raised:
        call()
    return raised.value


def test_the_catalogue_documents_every_create_error():
    rows = create_rows()
    assert len(rows) == 72
    assert (404, "InvalidDiskId.NotFound") in [(s, c) for s, c, _ in rows]
    assert (403, "NoPermission") in [(s, c) for s, c, _ in rows]


@pytest.mark.parametrize("status,code,template", create_rows(), ids=lambda v: str(v)[:40])
def test_every_documented_create_error_reaches_the_sdk_once(emulator, status, code, template):
    c = client(emulator)
    rule_id = emulator.add_fault(
        {"action": "CreateContainerGroup", "code": code, "httpStatus": status, "times": 1}
    )
    error = raised_by(lambda: create(c))
    assert isinstance(error, AlibabaCloudException), repr(error)
    assert (error.code, error.status_code) == (code, status)
    for fragment in filter(None, (part.strip(" .") for part in template.split("%s"))):
        assert fragment in error.message, (fragment, error.message)
    assert "%s" not in error.message
    assert error.data["Code"] == code and len(error.request_id) == 36
    assert create(c).container_group_id.startswith("eci-"), "the next call succeeds"
    _, listed = emulator.call("GET", "/_emulator/faults")
    assert [(r["id"], r["hits"], r["remaining"]) for r in listed["rules"]] == [(rule_id, 1, 0)]


def test_after_times_and_ttl_count_calls(emulator):
    c = client(emulator)
    emulator.add_fault({"action": "DescribeContainerGroups", "code": "InternalError", "after": 1, "times": 2})
    outcomes = []
    for _ in range(4):
        try:
            describe(c)
            outcomes.append("ok")
        except AlibabaCloudException as e:
            outcomes.append(f"{e.status_code} {e.code}")
    assert outcomes == ["ok", "500 InternalError", "500 InternalError", "ok"]

    emulator.add_fault({"action": "ListUsage", "code": "ServiceUnavailable", "ttlSeconds": 1})
    usage = models.ListUsageRequest(region_id=REGION)
    assert raised_by(lambda: c.list_usage(usage)).status_code == 503
    time.sleep(1.1)
    assert c.list_usage(usage).body.request_id


def test_region_key_and_parameter_scopes(emulator):
    emulator.add_fault(
        {
            "action": "CreateContainerGroup",
            "regionId": REGION,
            "accessKeyId": "LTAI5tOpenKey",
            "match": {"ContainerGroupName": "^batch-"},
            "code": "Forbidden.RiskControl",
        }
    )
    c = client(emulator)
    assert raised_by(lambda: create(c, "batch-1")).code == "Forbidden.RiskControl"
    assert create(c, "web-1").container_group_id
    assert create(client(emulator, ak="LTAI5tOtherKey"), "batch-2").container_group_id


def test_zone_no_stock_falls_through_and_fails_when_every_zone_is_out(emulator):
    c = client(emulator)
    emulator.add_fault({"action": "CreateContainerGroup", "zoneId": "cn-hangzhou-b", "code": "OperationDenied.NoStock"})
    group_id = create(c, "anywhere").container_group_id
    placed = describe(c, container_group_ids=json.dumps([group_id])).container_groups[0]
    assert placed.zone_id == "cn-hangzhou-e"
    pinned = raised_by(lambda: create(c, "pinned", zone_id="cn-hangzhou-b"))
    assert (pinned.code, pinned.status_code) == ("OperationDenied.NoStock", 403)
    for zone in "efghijk":
        emulator.add_fault({"action": "*", "zoneId": f"cn-hangzhou-{zone}", "code": "OperationDenied.NoStock"})
    assert raised_by(lambda: create(c, "nowhere")).code == "OperationDenied.NoStock"
    assert describe(c).total_count == 1


def test_phase_after_the_group_exists_though_the_client_saw_503(emulator):
    c = client(emulator)
    emulator.add_fault(
        {"action": "CreateContainerGroup", "code": "ServiceUnavailable", "phase": "after", "times": 1}
    )
    error = raised_by(lambda: create(c, "made-anyway"))
    assert (error.code, error.status_code) == ("ServiceUnavailable", 503)
    found = describe(c, container_group_name="made-anyway")
    assert found.total_count == 1


def test_latency_is_felt_by_the_client(emulator):
    c = client(emulator)
    emulator.add_fault({"action": "DescribeContainerGroups", "latencyMs": 300, "times": 1})
    started = time.monotonic()
    describe(c)
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    describe(c)
    assert time.monotonic() - started < 0.3


def test_reset_and_truncate_are_transport_errors(emulator):
    c = client(emulator)
    for effect in ("reset", "truncate"):
        emulator.add_fault({"action": "DescribeContainerGroups", "effect": effect, "times": 1})
        error = raised_by(lambda: describe(c))
        assert not isinstance(error, AlibabaCloudException), f"{effect}: {error!r}"
        assert describe(c).total_count == 0


def test_seeded_probability_repeats_and_keeps_its_rate(emulator):
    c = client(emulator)

    def outcomes(seed, calls):
        rule_id = emulator.add_fault(
            {"action": "DescribeContainerGroups", "code": "ServiceUnavailable", "probability": 0.3, "seed": seed}
        )
        seen = []
        for _ in range(calls):
            try:
                describe(c)
                seen.append(False)
            except AlibabaCloudException:
                seen.append(True)
        emulator.call("DELETE", f"/_emulator/faults/{rule_id}")
        return seen

    first = outcomes(42, 300)
    assert outcomes(42, 300) == first
    assert outcomes(43, 300) != first
    assert 60 <= sum(first) <= 120, sum(first)


def test_throttling_user_carries_the_retry_hint_the_sdk_reads(emulator):
    c = client(emulator)
    status, _ = emulator.call(
        "PUT", "/_emulator/throttling", {"limits": [{"action": "DescribeContainerGroups", "limit": 2, "per": "minute"}]}
    )
    assert status == 200
    describe(c)
    describe(c)
    error = raised_by(lambda: describe(c))
    assert isinstance(error, ThrottlingException), repr(error)
    assert (error.code, error.status_code) == ("Throttling.User", 400)
    assert 0 < error.retry_after <= 60_000
    assert c.list_usage(models.ListUsageRequest(region_id=REGION)).body.request_id, "other actions pass"


def test_fault_tags_on_a_group_fail_its_later_calls(emulator):
    c = client(emulator)
    tag = models.CreateContainerGroupRequestTag(key="emulator.fault/DeleteContainerGroup", value="IncorrectStatus;times=1")
    group_id = create(c, "tagged", tag=[tag]).container_group_id
    delete = models.DeleteContainerGroupRequest(region_id=REGION, container_group_id=group_id)
    error = raised_by(lambda: c.delete_container_group(delete))
    assert (error.code, error.status_code) == ("IncorrectStatus", 400)
    c.delete_container_group(delete)
    assert describe(c).total_count == 0


def test_rules_load_from_a_file_at_start():
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "faults.json"
        path.write_text(json.dumps([{"action": "DescribeContainerGroups", "code": "InternalError", "times": 1}]))
        emu = Emulator("--faults", str(path), "--rate-limit", "ListUsage=1/min")
        try:
            c = client(emu)
            assert raised_by(lambda: describe(c)).code == "InternalError"
            assert describe(c).total_count == 0
            usage = models.ListUsageRequest(region_id=REGION)
            c.list_usage(usage)
            assert raised_by(lambda: c.list_usage(usage)).code == "Throttling.User"
        finally:
            emu.stop()
