"""An example suite written against the plugin's fixtures, as a user of the wheel would write it."""

import json

import pytest
from alibabacloud_eci20180808 import models
from Tea.exceptions import TeaException

REGION = "cn-hangzhou"


def create(client, name="web"):
    request = models.CreateContainerGroupRequest(
        region_id=REGION,
        container_group_name=name,
        container=[models.CreateContainerGroupRequestContainer(name="web", image="nginx:1.25")],
    )
    return client.create_container_group(request).body.container_group_id


def describe(client, group_id):
    request = models.DescribeContainerGroupsRequest(region_id=REGION, container_group_ids=json.dumps([group_id]))
    return client.describe_container_groups(request).body


def test_a_created_group_is_described(eci_client):
    group_id = create(eci_client)
    body = describe(eci_client, group_id)
    assert body.total_count == 1
    assert body.container_groups[0].container_group_name == "web"


def test_every_test_starts_empty(eci_client):
    listed = eci_client.describe_container_groups(models.DescribeContainerGroupsRequest(region_id=REGION))
    assert listed.body.total_count == 0


def test_a_fault_rule_refuses_the_next_create(eci_emulator, eci_client):
    rule_id = eci_emulator.add_fault({"action": "CreateContainerGroup", "code": "OperationDenied.NoStock", "times": 1})
    assert rule_id.startswith("fault-")
    with pytest.raises(TeaException) as refused:
        create(eci_client)
    assert refused.value.code == "OperationDenied.NoStock"
    assert create(eci_client).startswith("eci-"), "the rule fired once"


def test_fixtures_declare_a_network(eci_emulator, eci_client):
    eci_emulator.apply_fixtures({
        "vpcs": [{"vpcId": "vpc-plugin", "regionId": REGION, "cidrBlock": "10.9.0.0/16"}],
        "vSwitches": [{"vSwitchId": "vsw-plugin", "vpcId": "vpc-plugin", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.9.1.0/24"}],
    })
    request = models.CreateContainerGroupRequest(
        region_id=REGION,
        container_group_name="on-my-network",
        v_switch_id="vsw-plugin",
        container=[models.CreateContainerGroupRequestContainer(name="web", image="nginx")],
    )
    group_id = eci_client.create_container_group(request).body.container_group_id
    group = describe(eci_client, group_id).container_groups[0]
    assert group.vpc_id == "vpc-plugin" and group.intranet_ip.startswith("10.9.1.")
    partitions = eci_emulator.state()["partitions"]
    assert [g["ContainerGroupId"] for p in partitions for g in p["containerGroups"]] == [group_id]


def test_the_ini_flags_reach_the_emulator(eci_client):
    # pytest.ini in this folder passes --lifecycle immediate: a group runs at once.
    group_id = create(eci_client)
    assert describe(eci_client, group_id).container_groups[0].status == "Running"


def test_a_snapshot_round_trips(eci_emulator, eci_client):
    group_id = create(eci_client)
    saved = eci_emulator.snapshot()
    eci_emulator.reset()
    assert describe(eci_client, group_id).total_count == 0
    eci_emulator.load_snapshot(saved)
    assert describe(eci_client, group_id).container_groups[0].container_group_id == group_id


def test_a_full_zone_sends_the_create_to_the_next_one(eci_client, eci_emulator, eci_world):
    eci_emulator.apply_fixtures({
        "vpcs": [{"vpcId": "vpc-zones", "regionId": REGION, "cidrBlock": "10.8.0.0/16"}],
        "vSwitches": [
            {"vSwitchId": "vsw-zone-b", "vpcId": "vpc-zones", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.8.1.0/24"},
            {"vSwitchId": "vsw-zone-e", "vpcId": "vpc-zones", "zoneId": "cn-hangzhou-e", "cidrBlock": "10.8.2.0/24"},
        ],
    })
    world = eci_world(
        capacity=[{"regionId": REGION, "zoneId": "cn-hangzhou-b", "groups": 0}],
        spot_market={"walk": {"seed": 7}},
    )
    assert world["slots"][0]["remaining"] == 0 and world["spotMarket"]["walk"]["seed"] == 7
    request = models.CreateContainerGroupRequest(
        region_id=REGION,
        container_group_name="spills",
        v_switch_id="vsw-zone-b,vsw-zone-e",
        container=[models.CreateContainerGroupRequestContainer(name="web", image="nginx")],
    )
    group_id = eci_client.create_container_group(request).body.container_group_id
    assert describe(eci_client, group_id).container_groups[0].zone_id == "cn-hangzhou-e"
