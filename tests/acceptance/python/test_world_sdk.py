"""Zone capacity and the spot market, as the official SDK meets them: a full zone refuses with
OperationDenied.NoStock and a multi-zone create lands in the next zone; a deleted group gives its
room back; a spot group outlives its protection only while its limit stays above the market, told
by SpotToBeReleased three minutes before it expires; a seeded scenario replays to the same times."""

import datetime
import json

import pytest
from alibabacloud_eci20180808 import models
from Tea.exceptions import TeaException

from conftest import Emulator
from test_tea_sdk import REGION, client

START = "2031-03-01T00:00:00Z"
NETWORK = {
    "vpcs": [{"vpcId": "vpc-world", "regionId": REGION, "cidrBlock": "10.0.0.0/8"}],
    "vSwitches": [
        {"vSwitchId": "vsw-world-b", "vpcId": "vpc-world", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.1.0.0/24"},
        {"vSwitchId": "vsw-world-e", "vpcId": "vpc-world", "zoneId": "cn-hangzhou-e", "cidrBlock": "10.2.0.0/24"},
    ],
    "securityGroups": [{"securityGroupId": "sg-world", "vpcId": "vpc-world"}],
}


@pytest.fixture(scope="module")
def frozen():
    emu = Emulator("--clock", "frozen", "--start-time", START, "--seed", "11")
    yield emu
    emu.stop()


@pytest.fixture
def world(frozen):
    frozen.reset()
    frozen.post_fixtures(NETWORK)
    return frozen


def put(emu, path, document):
    status, body = emu.call("PUT", path, document)
    assert status == 200, body
    return body


def create(c, vswitches, **extra):
    container = models.CreateContainerGroupRequestContainer(name="app", image="nginx:1.25")
    request = models.CreateContainerGroupRequest(
        region_id=REGION,
        container_group_name="world",
        container=[container],
        v_switch_id=vswitches,
        security_group_id="sg-world",
        **extra,
    )
    return c.create_container_group(request).body.container_group_id


def describe(c, group_id):
    request = models.DescribeContainerGroupsRequest(region_id=REGION, container_group_ids=json.dumps([group_id]), with_event=True)
    return c.describe_container_groups(request).body.container_groups[0]


def advance(emu, seconds):
    status, body = emu.call("POST", "/_emulator/clock", {"advanceSeconds": seconds})
    assert status == 200, body
    return body["now"]


def test_a_full_zone_refuses_and_a_multi_zone_create_lands_in_the_next_one(world):
    c = client(world)
    put(world, "/_emulator/capacity", {"capacity": [{"regionId": REGION, "zoneId": "cn-hangzhou-b", "spec": "2-4", "groups": 2}]})
    first = create(c, "vsw-world-b")
    create(c, "vsw-world-b")
    with pytest.raises(TeaException) as refused:
        create(c, "vsw-world-b")
    assert (refused.value.code, refused.value.status_code) == ("OperationDenied.NoStock", 403)
    assert "multi-zone creation" in refused.value.message
    spilled = create(c, "vsw-world-b,vsw-world-e")
    assert describe(c, spilled).zone_id == "cn-hangzhou-e"

    c.delete_container_group(models.DeleteContainerGroupRequest(region_id=REGION, container_group_id=first))
    back = create(c, "vsw-world-b,vsw-world-e")
    assert describe(c, back).zone_id == "cn-hangzhou-b", "the deleted group gave its room back"
    status, slots = world.call("GET", "/_emulator/capacity")
    assert slots["slots"] == [{"regionId": REGION, "zoneId": "cn-hangzhou-b", "spec": "2-4", "groups": 2, "inUse": 2, "remaining": 0}]


def test_a_spot_group_lives_past_its_protection_only_while_its_limit_is_above_the_market(world):
    c = client(world)
    # Zone b's price for 2 vCPU / 4 GiB: 0.05 now, 0.3 after 90 minutes, 0.8 after 3 hours.
    put(world, "/_emulator/spot-market", {"series": [{"regionId": REGION, "zoneId": "cn-hangzhou-b", "spec": "2-4",
        "prices": [{"at": 0, "price": 0.05}, {"at": 5400, "price": 0.3}, {"at": 10800, "price": 0.8}]}]})
    spot = {"spot_strategy": "SpotWithPriceLimit", "spot_price_limit": 0.5, "spot_duration": 1}
    group_id = create(c, "vsw-world-b", **spot)
    advance(world, 10799)
    assert describe(c, group_id).status == "Running", "past its protection, under its limit"
    advance(world, 1)
    told = describe(c, group_id)
    assert told.status == "Running"
    assert [(e.reason, e.first_timestamp) for e in told.events][-1] == ("SpotToBeReleased", "2031-03-01T03:00:00Z")
    assert told.events[-1].message == "Spot ECI will be released in 3 minutes"
    advance(world, 180)
    gone = describe(c, group_id)
    assert gone.status == "Expired"
    assert gone.expired_time == "2031-03-01T03:03:00Z"

    price = c.describe_container_group_price(models.DescribeContainerGroupPriceRequest(
        region_id=REGION, cpu=2, memory=4, spot_strategy="SpotAsPriceGo", zone_id="cn-hangzhou-b"))
    assert price.body.price_info.spot_prices.spot_price[0].spot_price == 0.8


def scenario(emu):
    """A seeded walk, capacity and a dozen spot groups over two days: each group's status and its
    events' seconds from the start."""
    c = client(emu)
    emu.reset()
    emu.post_fixtures(NETWORK)
    start = datetime.datetime.fromisoformat(emu.get("/_emulator/clock")["now"].replace("Z", "+00:00"))
    put(emu, "/_emulator/capacity", {"capacity": [{"regionId": REGION, "zoneId": "cn-hangzhou-b", "groups": 8}]})
    put(emu, "/_emulator/spot-market", {"walk": {"seed": 2031, "stepMinutes": 20, "volatility": 0.35}})
    ids = [create(c, "vsw-world-b,vsw-world-e", spot_strategy="SpotWithPriceLimit", spot_price_limit=0.1, spot_duration=0) for _ in range(12)]
    advance(emu, 2 * 86400)
    out = []
    for group_id in ids:
        g = describe(c, group_id)
        times = [(e.reason, (datetime.datetime.fromisoformat(e.first_timestamp.replace("Z", "+00:00")) - start).total_seconds()) for e in g.events]
        out.append((g.zone_id, g.status, times))
    return out


def test_a_seeded_scenario_replays_to_the_same_event_times(world):
    first = scenario(world)
    second = scenario(world)
    assert first == second
    assert {zone for zone, _, _ in first} == {"cn-hangzhou-b", "cn-hangzhou-e"}, "eight fit in zone b"
    assert any(status == "Expired" for _, status, _ in first), first
