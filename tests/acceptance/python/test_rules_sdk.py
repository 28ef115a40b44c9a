"""The CreateContainerGroup rule set, network model, quotas and idempotency as the official SDK sees them."""

import json
import threading

import pytest
from alibabacloud_eci20180808 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from test_tea_sdk import REGION, client, create_request, describe_one


def raises(call):
    with pytest.raises(ClientException) as raised:
        call()
    return raised.value


@pytest.mark.parametrize(
    "change,code,parameter",
    [
        (lambda r: setattr(r.container[0], "arg", [str(i) for i in range(11)]), "InvalidParameter", "Container.1.Arg"),
        (lambda r: setattr(r.container[0].port[0], "port", 65536), "InvalidParameter", "Container.1.Port.1.Port"),
        (lambda r: setattr(r, "restart_policy", "Sometimes"), "InvalidParameter", "RestartPolicy"),
        (lambda r: setattr(r.tag[0], "key", "aliyun-x"), "InvalidParameter", "Tag.1.Key"),
        (lambda r: setattr(r.container[0].environment_var[0], "key", "1BAD"), "InvalidParameter", "Container.1.EnvironmentVar.1.Key"),
        (lambda r: setattr(r, "container_group_name", "Upper"), "InvalidParameter", "ContainerGroupName"),
        (lambda r: setattr(r, "spot_strategy", "SpotWithPriceLimit"), "MissingParameter", "SpotPriceLimit"),
    ],
)
def test_documented_rules_refuse_with_the_parameter_named(emulator, change, code, parameter):
    request = create_request()
    change(request)
    error = raises(lambda: client(emulator).create_container_group(request))
    assert (error.code, error.status_code) == (code, 400)
    assert f'"{parameter}"' in error.message


def test_sizes_round_up_and_the_impossible_is_refused(emulator):
    c = client(emulator)
    request = create_request(name="rounded")
    request.cpu, request.memory = 7.0, 13.0
    g = describe_one(c, c.create_container_group(request).body.container_group_id)
    assert (g.cpu, g.memory) == (8.0, 14.0)
    request = create_request(name="huge")
    request.cpu, request.memory = 100.0, 100.0
    assert raises(lambda: c.create_container_group(request)).code == "InvalidParameter.CPU.Memory"


def test_dry_run_answers_dry_run_operation_and_creates_nothing(emulator):
    c = client(emulator)
    request = create_request(name="dry")
    request.dry_run = True
    error = raises(lambda: c.create_container_group(request))
    assert (error.code, error.status_code) == ("DryRunOperation", 400)
    assert c.describe_container_groups(models.DescribeContainerGroupsRequest(region_id=REGION)).body.total_count == 0


def test_declared_network_and_its_mismatches(emulator):
    emulator.post_fixtures({
        "vpcs": [{"vpcId": "vpc-a", "regionId": REGION, "cidrBlock": "10.1.0.0/16"},
                 {"vpcId": "vpc-b", "regionId": REGION, "cidrBlock": "10.2.0.0/16"}],
        "vSwitches": [{"vSwitchId": "vsw-a", "vpcId": "vpc-a", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.1.0.0/29"},
                      {"vSwitchId": "vsw-a2", "vpcId": "vpc-a", "zoneId": "cn-hangzhou-h", "cidrBlock": "10.1.1.0/24"}],
        "securityGroups": [{"securityGroupId": "sg-b", "vpcId": "vpc-b"}],
    })
    c = client(emulator)
    request = create_request(name="mismatch")
    request.zone_id = None
    request.v_switch_id, request.security_group_id = "vsw-a", "sg-b"
    error = raises(lambda: c.create_container_group(request))
    assert (error.code, error.status_code) == ("OperationDenied.SecurityGroupMisMatch", 403)
    zones = []
    for i in range(5):
        request = create_request(name=f"fill-{i}")
        request.zone_id = None
        request.v_switch_id = "vsw-a,vsw-a2"
        zones.append(describe_one(c, c.create_container_group(request).body.container_group_id).zone_id)
    assert zones == ["cn-hangzhou-b"] * 4 + ["cn-hangzhou-h"]


def test_quota_exceeded_and_list_usage(emulator):
    emulator.post_fixtures({"accounts": [{"accessKeyId": "LTAI5tQuota", "quota": {"vcpus": 1.5}}]})
    c = client(emulator, ak="LTAI5tQuota")
    c.create_container_group(create_request(name="q1"))
    error = raises(lambda: c.create_container_group(create_request(name="q2")))
    assert (error.code, error.status_code, error.message.split(", ", 1)[1].split(" request id")[0]) == (
        "QuotaExceeded", 403, "vCPU quota exceeded.")
    usage = c.list_usage(models.ListUsageRequest(region_id=REGION)).body.attributes
    assert (usage["UsedCpu"], usage["MaxCpu"]) == (1.0, 1.5)


def test_racing_client_tokens_create_one_group(emulator):
    c = client(emulator)
    ids, errors = [], []

    def create():
        try:
            ids.append(c.create_container_group(create_request(name="race", token="race-token")).body.container_group_id)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(ids)) == 1 and len(ids) == 8
    listed = c.describe_container_groups(models.DescribeContainerGroupsRequest(region_id=REGION)).body
    assert listed.total_count == 1
    other = create_request(name="race-other", token="race-token")
    assert raises(lambda: c.create_container_group(other)).code == "IdempotentParameterMismatch"
    assert json.loads(json.dumps(ids))[0] == listed.container_groups[0].container_group_id
