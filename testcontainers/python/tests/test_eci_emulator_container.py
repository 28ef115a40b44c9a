"""The module's example tests: the official Python SDK against an EciEmulatorContainer under a real
Docker engine (ECI_EMULATOR_IMAGE names the image; DOCKER_HOST the engine)."""

import json
import os
import time
import uuid

import pytest
from alibabacloud_eci20180808 import models
from alibabacloud_eci20180808.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from Tea.exceptions import TeaException

from testcontainers_eci_emulator import EciEmulatorContainer, SideApiError

IMAGE = os.environ.get("ECI_EMULATOR_IMAGE", "eci-emulator:latest")

NETWORK = {
    "vpcs": [{"vpcId": "vpc-tc", "regionId": "cn-hangzhou", "cidrBlock": "10.20.0.0/16"}],
    "vSwitches": [{"vSwitchId": "vsw-tc", "vpcId": "vpc-tc", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.20.1.0/24"}],
    "securityGroups": [{"securityGroupId": "sg-tc", "vpcId": "vpc-tc"}],
}


def client(emulator):
    return Client(
        open_api_models.Config(
            access_key_id=emulator.access_key_id,
            access_key_secret=emulator.access_key_secret,
            endpoint=emulator.endpoint,
            protocol="http",
            region_id=emulator.region,
        )
    )


def create(eci, name, **extra):
    return eci.create_container_group(
        models.CreateContainerGroupRequest(
            region_id="cn-hangzhou",
            container_group_name=name,
            container=[models.CreateContainerGroupRequestContainer(name="web", image="nginx:1.25")],
            **extra,
        )
    ).body.container_group_id


def describe(eci, group_id):
    return eci.describe_container_groups(
        models.DescribeContainerGroupsRequest(region_id="cn-hangzhou", container_group_ids=json.dumps([group_id]))
    ).body.container_groups


def test_the_sdk_creates_on_a_fixture_network_with_signatures_verified():
    started = time.monotonic()
    container = (
        EciEmulatorContainer(IMAGE)
        .with_credentials("LTAI5tModule", "module-secret")
        .with_lifecycle("immediate")
        .with_seed(7)
        .with_fixtures(NETWORK)
    )
    with container as emulator:
        print(f"container start to healthy: {time.monotonic() - started:.2f} s")
        eci = client(emulator)
        group_id = create(eci, "on-my-network", v_switch_id="vsw-tc", security_group_id="sg-tc")
        (group,) = describe(eci, group_id)
        assert (group.status, group.v_switch_id) == ("Running", "vsw-tc")
        assert group.intranet_ip.startswith("10.20.1.")
        assert [call["action"] for call in emulator.calls()] == ["CreateContainerGroup", "DescribeContainerGroups"]
        emulator.access_key_secret = "not-the-secret"
        with pytest.raises(TeaException) as refused:
            create(client(emulator), "forged")
        assert refused.value.code == "SignatureDoesNotMatch"
        emulator.reset()
        assert describe(eci, group_id) == []


def test_faults_from_a_file_and_at_run_time():
    rule = {"action": "DeleteContainerGroup", "code": "OperationConflict", "times": 1}
    with EciEmulatorContainer(IMAGE).with_lifecycle("immediate").with_faults({"rules": [rule]}) as emulator:
        eci = client(emulator)
        fault = emulator.add_fault({"action": "CreateContainerGroup", "code": "Throttling", "times": 1})
        assert fault.startswith("fault-")
        with pytest.raises(TeaException) as throttled:
            create(eci, "throttled")
        assert throttled.value.code == "Throttling"
        group_id = create(eci, "second-try")
        with pytest.raises(TeaException) as deleting:
            eci.delete_container_group(
                models.DeleteContainerGroupRequest(region_id="cn-hangzhou", container_group_id=group_id)
            )
        assert deleting.value.code == "OperationConflict"
        assert [call["code"] for call in emulator.calls("CreateContainerGroup")][0] == "Throttling"
        assert [call["status"] for call in emulator.calls("CreateContainerGroup", code="OK")] == [200]
        with pytest.raises(SideApiError) as bad_rule:
            emulator.add_fault({"action": "CreateContainerGroup", "code": "NoSuchCode"})
        assert bad_rule.value.status == 400


def test_a_frozen_clock_moves_groups_only_when_advanced():
    with EciEmulatorContainer(IMAGE).with_env("ECI_EMULATOR_CLOCK", "frozen") as emulator:
        eci = client(emulator)
        group_id = create(eci, "waits-for-the-clock")
        assert describe(eci, group_id)[0].status == "Scheduling"
        emulator.advance_clock(60)
        assert describe(eci, group_id)[0].status == "Running"


def test_a_state_volume_carries_groups_to_the_next_container():
    volume = f"eci-tc-{uuid.uuid4().hex[:8]}"
    with EciEmulatorContainer(IMAGE).with_state_volume(volume).with_lifecycle("immediate") as first:
        group_id = create(client(first), "kept")
    second = EciEmulatorContainer(IMAGE).with_state_volume(volume)
    try:
        with second as emulator:
            assert [g.container_group_name for g in describe(client(emulator), group_id)] == ["kept"]
    finally:
        second.get_docker_client().client.volumes.get(volume).remove(force=True)
