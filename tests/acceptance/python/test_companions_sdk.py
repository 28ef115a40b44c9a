"""The companion products through their official SDKs (alibabacloud_vpc20160428,
alibabacloud_ecs20140526, alibabacloud_sts20150401): a whole ECI flow makes its network, places groups
on it, binds an EIP and tears it all down in reverse, meeting the dependency errors on the way."""

import json

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_eci20180808 import models as eci_models
from alibabacloud_eci20180808.client import Client as EciClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.exceptions import ClientException as TeaException
from alibabacloud_vpc20160428 import models as vpc_models
from alibabacloud_vpc20160428.client import Client as VpcClient

from conftest import STRICT_ACCOUNT, STRICT_KEY

REGION = "cn-hangzhou"
ZONE = "cn-hangzhou-h"


def config(emulator, ak="LTAI5tNetworkKey", secret="any-secret", algorithm=None):
    cfg = open_api_models.Config(
        access_key_id=ak,
        access_key_secret=secret,
        endpoint=emulator.endpoint,
        protocol="http",
        region_id=REGION,
    )
    if algorithm:
        cfg.signature_algorithm = algorithm
    return cfg


class Clients:
    def __init__(self, emulator, **kwargs):
        self.vpc = VpcClient(config(emulator, **kwargs))
        self.ecs = EcsClient(config(emulator, **kwargs))
        self.eci = EciClient(config(emulator, **kwargs))
        self.sts = StsClient(config(emulator, **kwargs))


def refused(call):
    with pytest.raises(TeaException) as info:
        call()
    return info.value


def make_network(c, cidr="10.0.0.0/8", vswitch_cidr="10.1.0.0/24"):
    vpc = c.vpc.create_vpc(
        vpc_models.CreateVpcRequest(
            region_id=REGION,
            cidr_block=cidr,
            vpc_name="flow-vpc",
            description="made by the flow",
            tag=[vpc_models.CreateVpcRequestTag(key="env", value="test")],
        )
    ).body
    vsw = c.vpc.create_vswitch(
        vpc_models.CreateVSwitchRequest(
            region_id=REGION, vpc_id=vpc.vpc_id, zone_id=ZONE, cidr_block=vswitch_cidr, v_switch_name="flow-vsw"
        )
    ).body.v_switch_id
    sg = c.ecs.create_security_group(
        ecs_models.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc.vpc_id, security_group_name="flow-sg")
    ).body.security_group_id
    return vpc, vsw, sg


def vswitch(c, vsw):
    return c.vpc.describe_vswitch_attributes(
        vpc_models.DescribeVSwitchAttributesRequest(region_id=REGION, v_switch_id=vsw)
    ).body


def group_on(c, vsw, sg, name):
    container = eci_models.CreateContainerGroupRequestContainer(name="app", image="nginx:1.25", cpu=1.0, memory=2.0)
    return c.eci.create_container_group(
        eci_models.CreateContainerGroupRequest(
            region_id=REGION,
            container_group_name=name,
            container=[container],
            v_switch_id=vsw,
            security_group_id=sg,
        )
    ).body.container_group_id


def describe_group(c, group_id):
    req = eci_models.DescribeContainerGroupsRequest(region_id=REGION, container_group_ids=json.dumps([group_id]))
    groups = c.eci.describe_container_groups(req).body.container_groups
    assert len(groups) == 1
    return groups[0]


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_a_whole_flow_makes_its_network_places_groups_binds_an_eip_and_tears_down(emulator, algorithm):
    c = Clients(emulator, algorithm=algorithm)
    vpc, vsw, sg = make_network(c)
    assert vpc.vpc_id.startswith("vpc-bp1") and vpc.vrouter_id.startswith("vrt-")
    attribute = c.vpc.describe_vpc_attribute(
        vpc_models.DescribeVpcAttributeRequest(region_id=REGION, vpc_id=vpc.vpc_id)
    ).body
    assert (attribute.status, attribute.cidr_block, attribute.vpc_name) == ("Available", "10.0.0.0/8", "flow-vpc")
    assert attribute.v_switch_ids.v_switch_id == [vsw]
    assert [(t.key, t.value) for t in attribute.tags.tag] == [("env", "test")]
    assert attribute.is_default is False and isinstance(attribute.owner_id, int)
    tables = c.vpc.describe_route_table_list(
        vpc_models.DescribeRouteTableListRequest(region_id=REGION, vpc_id=vpc.vpc_id)
    ).body.router_table_list.router_table_list_type
    assert [(t.route_table_type, t.route_table_id, t.router_id) for t in tables] == [
        ("System", vpc.route_table_id, vpc.vrouter_id)
    ]
    c.ecs.authorize_security_group(
        ecs_models.AuthorizeSecurityGroupRequest(
            region_id=REGION, security_group_id=sg, ip_protocol="tcp", port_range="80/80", source_cidr_ip="0.0.0.0/0"
        )
    )
    before = vswitch(c, vsw)
    assert (before.status, before.zone_id, before.available_ip_address_count) == ("Available", ZONE, 252)

    group_id = group_on(c, vsw, sg, "on-my-vswitch")
    group = describe_group(c, group_id)
    assert (group.v_switch_id, group.security_group_id, group.zone_id) == (vsw, sg, ZONE)
    assert group.intranet_ip.startswith("10.1.0."), group.intranet_ip
    assert vswitch(c, vsw).available_ip_address_count == 251

    eip = c.vpc.allocate_eip_address(vpc_models.AllocateEipAddressRequest(region_id=REGION, bandwidth="10")).body
    c.vpc.associate_eip_address(
        vpc_models.AssociateEipAddressRequest(region_id=REGION, allocation_id=eip.allocation_id, instance_id=group_id)
    )
    shown = c.vpc.describe_eip_addresses(
        vpc_models.DescribeEipAddressesRequest(region_id=REGION, allocation_id=eip.allocation_id)
    ).body.eip_addresses.eip_address
    assert [(e.status, e.instance_id, e.ip_address, e.bandwidth) for e in shown] == [
        ("InUse", group_id, eip.eip_address, "10")
    ]
    assert describe_group(c, group_id).internet_ip == eip.eip_address

    # Reverse order, with the dependency errors the services answer on the way.
    err = refused(lambda: c.vpc.release_eip_address(
        vpc_models.ReleaseEipAddressRequest(region_id=REGION, allocation_id=eip.allocation_id)))
    assert (err.code, err.status_code) == ("IncorrectEipStatus", 400)
    err = refused(lambda: c.vpc.delete_vswitch(vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vsw)))
    assert (err.code, err.status_code) == ("DependencyViolation", 400)
    err = refused(lambda: c.ecs.delete_security_group(
        ecs_models.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=sg)))
    assert (err.code, err.status_code) == ("DependencyViolation", 403)
    err = refused(lambda: c.vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=vpc.vpc_id)))
    assert (err.code, err.status_code) == ("DependencyViolation.VSwitch", 400)

    c.vpc.unassociate_eip_address(
        vpc_models.UnassociateEipAddressRequest(region_id=REGION, allocation_id=eip.allocation_id, instance_id=group_id)
    )
    assert describe_group(c, group_id).internet_ip in ("", None)
    c.eci.delete_container_group(eci_models.DeleteContainerGroupRequest(region_id=REGION, container_group_id=group_id))
    assert vswitch(c, vsw).available_ip_address_count == 252
    c.vpc.release_eip_address(vpc_models.ReleaseEipAddressRequest(region_id=REGION, allocation_id=eip.allocation_id))
    c.vpc.delete_vswitch(vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vsw))
    err = refused(lambda: c.vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=vpc.vpc_id)))
    assert (err.code, err.status_code) == ("DependencyViolation.SecurityGroup", 400)
    c.ecs.delete_security_group(ecs_models.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=sg))
    c.vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=vpc.vpc_id))

    # Gone objects answer 404 with a *.NotFound code: how the Terraform provider's deletes finish.
    err = refused(lambda: c.vpc.describe_vpc_attribute(
        vpc_models.DescribeVpcAttributeRequest(region_id=REGION, vpc_id=vpc.vpc_id)))
    assert (err.code, err.status_code) == ("InvalidVpcId.NotFound", 404)
    err = refused(lambda: vswitch(c, vsw))
    assert (err.code, err.status_code) == ("InvalidVSwitchId.NotFound", 404)
    err = refused(lambda: c.ecs.describe_security_group_attribute(
        ecs_models.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=sg)))
    assert (err.code, err.status_code) == ("InvalidSecurityGroupId.NotFound", 404)
    left = c.vpc.describe_eip_addresses(vpc_models.DescribeEipAddressesRequest(region_id=REGION)).body
    assert left.total_count == 0


def test_cidr_rules_zones_and_quotas_are_the_documented_ones(emulator):
    c = Clients(emulator)
    for bad in ["10.0.0.0/7", "10.0.0.0/29", "8.8.0.0/16", "10.0.0.1/16", "not-a-cidr"]:
        err = refused(lambda: c.vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block=bad)))
        assert (err.code, err.status_code) == ("InvalidCidrBlock.Malformed", 400), bad
    vpc = c.vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="192.168.0.0/16")).body.vpc_id

    def create_vsw(cidr, zone=ZONE):
        return c.vpc.create_vswitch(
            vpc_models.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc, zone_id=zone, cidr_block=cidr)
        ).body.v_switch_id

    create_vsw("192.168.1.0/24")
    err = refused(lambda: create_vsw("192.168.1.128/25"))
    assert (err.code, err.status_code) == ("InvalidCidrBlock.Overlapped", 400)
    err = refused(lambda: create_vsw("192.168.0.0/15"))
    assert (err.code, err.status_code) == ("InvalidCidrBlock.Malformed", 400)
    err = refused(lambda: create_vsw("10.1.0.0/24"))
    assert (err.code, err.status_code, err.message) == (
        "InvalidParameter", 400, "code: 400, Specified CIDR block is not valid in VPC. request id: " + err.data["RequestId"])
    err = refused(lambda: create_vsw("192.168.2.0/24", zone="cn-beijing-a"))
    assert (err.code, err.status_code) == ("InvalidZoneId.NotFound", 404)
    err = refused(lambda: c.vpc.create_vswitch(vpc_models.CreateVSwitchRequest(
        region_id=REGION, vpc_id="vpc-nosuch", zone_id=ZONE, cidr_block="10.0.0.0/24")))
    assert (err.code, err.status_code) == ("InvalidVpcId.NotFound", 404)
    for _ in range(9):
        c.vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION))
    err = refused(lambda: c.vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION)))
    assert (err.code, err.status_code) == ("QuotaExceeded.Vpc", 400)
    page = c.vpc.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION, page_size=4, page_number=3)).body
    # Ten of the caller's and the region's default VPC.
    assert (page.total_count, page.page_number, page.page_size, len(page.vpcs.vpc)) == (11, 3, 4, 3)
    zones = c.vpc.describe_zones(vpc_models.DescribeZonesRequest(region_id=REGION)).body.zones.zone
    assert ZONE in [z.zone_id for z in zones]
    ecs_zones = c.ecs.describe_zones(ecs_models.DescribeZonesRequest(region_id=REGION)).body.zones.zone
    assert all("VSwitch" in z.available_resource_creation.resource_types for z in ecs_zones)
    regions = c.ecs.describe_regions(ecs_models.DescribeRegionsRequest()).body.regions.region
    assert "cn-hangzhou" in [r.region_id for r in regions]


def test_client_tokens_make_one_resource_and_other_accounts_see_none_of_it(emulator):
    mine, theirs = Clients(emulator, ak="LTAI5tMine"), Clients(emulator, ak="LTAI5tTheirs")
    request = vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="172.16.0.0/16", client_token="same-token-1")
    first = mine.vpc.create_vpc(request).body.vpc_id
    assert mine.vpc.create_vpc(request).body.vpc_id == first
    eip_request = vpc_models.AllocateEipAddressRequest(region_id=REGION, client_token="eip-token")
    eip = mine.vpc.allocate_eip_address(eip_request).body
    assert mine.vpc.allocate_eip_address(eip_request).body.allocation_id == eip.allocation_id
    err = refused(lambda: theirs.vpc.describe_vpc_attribute(
        vpc_models.DescribeVpcAttributeRequest(region_id=REGION, vpc_id=first)))
    assert (err.code, err.status_code) == ("InvalidVpcId.NotFound", 404)
    err = refused(lambda: theirs.vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=first)))
    assert err.code == "InvalidVpcId.NotFound"
    listed = theirs.vpc.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION)).body.vpcs.vpc
    assert first not in [v.vpc_id for v in listed]
    assert theirs.vpc.create_vpc(request).body.vpc_id != first, "a token is the caller's own"
    err = refused(lambda: theirs.vpc.release_eip_address(
        vpc_models.ReleaseEipAddressRequest(region_id=REGION, allocation_id=eip.allocation_id)))
    assert (err.code, err.status_code) == ("InvalidAllocationId.NotFound", 404)
    mine_id = mine.sts.get_caller_identity().body
    theirs_id = theirs.sts.get_caller_identity().body
    assert mine_id.account_id != theirs_id.account_id and mine_id.account_id.isdigit()
    assert mine_id.arn == f"acs:ram::{mine_id.account_id}:root" and mine_id.identity_type == "Account"


def test_security_group_rules_are_checked_kept_once_and_revoked(emulator):
    c = Clients(emulator)
    vpc, _, sg = make_network(c, cidr="10.0.0.0/16", vswitch_cidr="10.0.1.0/24")

    def authorize(**terms):
        return c.ecs.authorize_security_group(
            ecs_models.AuthorizeSecurityGroupRequest(region_id=REGION, security_group_id=sg, **terms)
        )

    authorize(ip_protocol="tcp", port_range="22/22", source_cidr_ip="10.0.0.0/8", priority="5")
    authorize(ip_protocol="tcp", port_range="22/22", source_cidr_ip="10.0.0.0/8", priority="5")
    c.ecs.authorize_security_group_egress(ecs_models.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id=sg, ip_protocol="all", port_range="-1/-1", dest_cidr_ip="0.0.0.0/0"))
    for terms, code in [
        (dict(ip_protocol="sctp", port_range="1/2", source_cidr_ip="0.0.0.0/0"), "InvalidIpProtocol.Malformed"),
        (dict(ip_protocol="tcp", port_range="0/80", source_cidr_ip="0.0.0.0/0"), "InvalidPortRange.Malformed"),
        (dict(ip_protocol="icmp", port_range="1/1", source_cidr_ip="0.0.0.0/0"), "InvalidPortRange.Malformed"),
        (dict(ip_protocol="tcp", port_range="80/80", source_cidr_ip="300.0.0.0/8"), "InvalidSourceCidrIp.Malformed"),
        (dict(ip_protocol="tcp", port_range="80/80", source_cidr_ip="0.0.0.0/0", priority="101"),
         "InvalidPriority.Malformed"),
        (dict(ip_protocol="tcp", port_range="80/80", source_cidr_ip="0.0.0.0/0", policy="maybe"),
         "InvalidPolicy.Malformed"),
    ]:
        assert refused(lambda: authorize(**terms)).code == code, terms
    attribute = c.ecs.describe_security_group_attribute(
        ecs_models.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=sg)
    ).body
    rules = [(p.direction, p.ip_protocol, p.port_range, p.source_cidr_ip, p.dest_cidr_ip, p.priority, p.policy)
             for p in attribute.permissions.permission]
    assert rules == [
        ("ingress", "TCP", "22/22", "10.0.0.0/8", "", "5", "Accept"),
        ("egress", "ALL", "-1/-1", "", "0.0.0.0/0", "1", "Accept"),
    ]
    assert attribute.inner_access_policy == "Accept" and attribute.vpc_id == vpc.vpc_id
    c.ecs.modify_security_group_policy(ecs_models.ModifySecurityGroupPolicyRequest(
        region_id=REGION, security_group_id=sg, inner_access_policy="Drop"))
    c.ecs.revoke_security_group(ecs_models.RevokeSecurityGroupRequest(
        region_id=REGION, security_group_id=sg, ip_protocol="tcp", port_range="22/22",
        source_cidr_ip="10.0.0.0/8", priority="5"))
    egress_id = attribute.permissions.permission[1].security_group_rule_id
    c.ecs.revoke_security_group_egress(ecs_models.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id=sg, security_group_rule_id=[egress_id]))
    after = c.ecs.describe_security_group_attribute(
        ecs_models.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=sg)
    ).body
    assert after.permissions.permission == [] and after.inner_access_policy == "Drop"
    listed = c.ecs.describe_security_groups(
        ecs_models.DescribeSecurityGroupsRequest(region_id=REGION, security_group_id=sg)).body
    assert [(g.security_group_name, g.rule_count) for g in listed.security_groups.security_group] == [("flow-sg", 0)]


def test_tags_of_every_network_resource_are_set_listed_and_removed(emulator):
    c = Clients(emulator)
    vpc, vsw, sg = make_network(c, cidr="10.0.0.0/16", vswitch_cidr="10.0.2.0/24")
    c.vpc.tag_resources(vpc_models.TagResourcesRequest(
        region_id=REGION, resource_type="VSWITCH", resource_id=[vsw],
        tag=[vpc_models.TagResourcesRequestTag(key="team", value="a"), vpc_models.TagResourcesRequestTag(key="x", value="1")]))
    assert [(t.key, t.value) for t in vswitch(c, vsw).tags.tag] == [("team", "a"), ("x", "1")]
    c.vpc.un_tag_resources(vpc_models.UnTagResourcesRequest(
        region_id=REGION, resource_type="VSWITCH", resource_id=[vsw], tag_key=["x"]))
    listed = c.vpc.list_tag_resources(vpc_models.ListTagResourcesRequest(
        region_id=REGION, resource_type="VSWITCH", resource_id=[vsw])).body.tag_resources.tag_resource
    assert [(t.resource_id, t.tag_key, t.tag_value) for t in listed] == [(vsw, "team", "a")]
    by_tag = c.vpc.describe_vpcs(vpc_models.DescribeVpcsRequest(
        region_id=REGION, tag=[vpc_models.DescribeVpcsRequestTag(key="env", value="test")])).body.vpcs.vpc
    assert [v.vpc_id for v in by_tag] == [vpc.vpc_id]
    c.ecs.tag_resources(ecs_models.TagResourcesRequest(
        region_id=REGION, resource_type="securitygroup", resource_id=[sg],
        tag=[ecs_models.TagResourcesRequestTag(key="owner", value="me")]))
    groups = c.ecs.describe_security_groups(
        ecs_models.DescribeSecurityGroupsRequest(region_id=REGION, security_group_id=sg)).body.security_groups
    assert [(t.tag_key, t.tag_value) for t in groups.security_group[0].tags.tag] == [("owner", "me")]
    c.ecs.untag_resources(ecs_models.UntagResourcesRequest(
        region_id=REGION, resource_type="securitygroup", resource_id=[sg], all=True))
    ecs_listed = c.ecs.list_tag_resources(ecs_models.ListTagResourcesRequest(
        region_id=REGION, resource_type="securitygroup", resource_id=[sg])).body
    assert ecs_listed.tag_resources.tag_resource == []
    err = refused(lambda: c.vpc.tag_resources(vpc_models.TagResourcesRequest(
        region_id=REGION, resource_type="VPC", resource_id=["vpc-nosuch"],
        tag=[vpc_models.TagResourcesRequestTag(key="k", value="v")])))
    assert (err.code, err.status_code) == ("InvalidResourceId.NotFound", 404)


def test_an_accounts_own_default_vpc_and_vswitch_replace_the_regions_for_it(emulator):
    mine, other = Clients(emulator, ak="LTAI5tDefaultMine"), Clients(emulator, ak="LTAI5tDefaultOther")

    def default_vpcs(c):
        listed = c.vpc.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION, is_default=True)).body
        return [v.vpc_id for v in listed.vpcs.vpc]

    region_vpc = default_vpcs(mine)
    made = mine.vpc.create_default_vpc(vpc_models.CreateDefaultVpcRequest(region_id=REGION, enable_ipv_6=True)).body
    assert made.route_table_id == "vtb-" + made.vpc_id.removeprefix("vpc-")
    assert default_vpcs(mine) == [made.vpc_id]
    assert default_vpcs(other) == region_vpc
    again = refused(lambda: mine.vpc.create_default_vpc(vpc_models.CreateDefaultVpcRequest(region_id=REGION)))
    assert again.code == "OperationFailed.DefaultVpcExist"

    vsw = mine.vpc.create_default_vswitch(
        vpc_models.CreateDefaultVSwitchRequest(region_id=REGION, zone_id=ZONE, ipv_6cidr_block=8)
    ).body.v_switch_id
    shown = vswitch(mine, vsw)
    assert (shown.vpc_id, shown.is_default, shown.cidr_block) == (made.vpc_id, True, "172.16.0.0/20")
    listed = mine.vpc.describe_vswitches(
        vpc_models.DescribeVSwitchesRequest(region_id=REGION, is_default=True)
    ).body.v_switches.v_switch
    assert [v.v_switch_id for v in listed] == [vsw]
    twice = refused(lambda: mine.vpc.create_default_vswitch(
        vpc_models.CreateDefaultVSwitchRequest(region_id=REGION, zone_id=ZONE)))
    assert twice.code == "OperationFailed.DefaultVSwitchExist"

    mine.vpc.delete_vswitch(vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vsw))
    mine.vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=made.vpc_id))
    assert default_vpcs(mine) == region_vpc


def test_the_default_network_is_read_only_and_the_strict_emulator_refuses_a_wrong_secret(strict_emulator):
    ak, secret = STRICT_KEY
    c = Clients(strict_emulator, ak=ak, secret=secret)
    vpcs = c.vpc.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION, is_default=True)).body.vpcs.vpc
    assert len(vpcs) == 1 and vpcs[0].is_default is True
    err = refused(lambda: c.vpc.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=vpcs[0].vpc_id)))
    assert (err.code, err.status_code) == ("Forbidden.RAM", 403)
    identity = c.sts.get_caller_identity().body
    assert identity.account_id.isdigit()
    wrong = Clients(strict_emulator, ak=ak, secret="not-the-secret")
    err = refused(lambda: wrong.vpc.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION)))
    assert (err.code, err.status_code) == ("SignatureDoesNotMatch", 400)
    err = refused(lambda: wrong.sts.get_caller_identity())
    assert err.code == "SignatureDoesNotMatch"
    assert STRICT_ACCOUNT


def test_an_injected_fault_hits_a_companion_action(emulator):
    c = Clients(emulator)
    emulator.add_fault({"action": "CreateVSwitch", "code": "TaskConflict", "httpStatus": 400,
                        "message": "The operation is too frequent.", "times": 1})
    vpc = c.vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    request = vpc_models.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc, zone_id=ZONE, cidr_block="10.0.3.0/24")
    err = refused(lambda: c.vpc.create_vswitch(request))
    assert (err.code, err.status_code) == ("TaskConflict", 400)
    assert c.vpc.create_vswitch(request).body.v_switch_id.startswith("vsw-")


def test_what_the_api_made_survives_kill_9_with_its_addresses_and_bindings(tmp_path):
    from conftest import Emulator

    first = Emulator("--state-dir", str(tmp_path))
    try:
        c = Clients(first)
        vpc, vsw, sg = make_network(c, cidr="10.0.0.0/16", vswitch_cidr="10.0.4.0/24")
        c.ecs.authorize_security_group(ecs_models.AuthorizeSecurityGroupRequest(
            region_id=REGION, security_group_id=sg, ip_protocol="tcp", port_range="8080/8080", source_cidr_ip="1.2.3.4"))
        group_id = group_on(c, vsw, sg, "kept-group")
        eip = c.vpc.allocate_eip_address(vpc_models.AllocateEipAddressRequest(region_id=REGION)).body
        c.vpc.associate_eip_address(vpc_models.AssociateEipAddressRequest(
            region_id=REGION, allocation_id=eip.allocation_id, instance_id=group_id))
    finally:
        first.process.kill()
        first.process.wait()
    second = Emulator("--state-dir", str(tmp_path))
    try:
        c = Clients(second)
        attribute = c.vpc.describe_vpc_attribute(
            vpc_models.DescribeVpcAttributeRequest(region_id=REGION, vpc_id=vpc.vpc_id)).body
        assert (attribute.vpc_name, attribute.v_switch_ids.v_switch_id) == ("flow-vpc", [vsw])
        assert vswitch(c, vsw).available_ip_address_count == 251
        rules = c.ecs.describe_security_group_attribute(ecs_models.DescribeSecurityGroupAttributeRequest(
            region_id=REGION, security_group_id=sg)).body.permissions.permission
        assert [(r.port_range, r.source_cidr_ip) for r in rules] == [("8080/8080", "1.2.3.4")]
        shown = c.vpc.describe_eip_addresses(vpc_models.DescribeEipAddressesRequest(
            region_id=REGION, allocation_id=eip.allocation_id)).body.eip_addresses.eip_address
        assert [(e.status, e.instance_id) for e in shown] == [("InUse", group_id)]
        err = refused(lambda: c.ecs.delete_security_group(
            ecs_models.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=sg)))
        assert err.code == "DependencyViolation", "the group placed in it is counted again after the restart"
    finally:
        second.stop()
