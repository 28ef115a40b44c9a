"""Every answer of the companion products holds to the official Python SDK's model of it: no field the
model does not declare, each of the declared type (a string is a string, `OwnerId` an integer, a list a
list of the declared items), walked to the leaves. The SDK models are the products' published schema."""

import importlib
import inspect
import json
import re
import urllib.parse
import urllib.request

import pytest

from conftest import WEIRD

REGION = "cn-hangzhou"
PRODUCTS = {
    "vpc": ("alibabacloud_vpc20160428", "2016-04-28"),
    "ecs": ("alibabacloud_ecs20140526", "2014-05-26"),
    "sts": ("alibabacloud_sts20150401", "2015-04-01"),
    "resourcemanager": ("alibabacloud_resourcemanager20200331", "2020-03-31"),
}
# Fields the service answers that the SDK's model leaves out, each read by a real client: the alicloud
# Terraform provider checks DescribeRouteTableList's `Code` is "200" (data_source_alicloud_vpcs.go) and
# reads each EIP's `AvailableRegions` (data_source_alicloud_eip_addresses.go, which fails without it).
UNMODELED = {
    ("DescribeRouteTableListResponseBody", "Code"): str,
    ("DescribeRouteTableListResponseBody", "Success"): bool,
    ("DescribeRouteTableListResponseBody", "Message"): str,
    ("DescribeEipAddressesResponseBodyEipAddressesEipAddress", "AvailableRegions"): dict,
    # The service's misspelt twin of `Description`, which the same data source reads the description from.
    ("DescribeEipAddressesResponseBodyEipAddressesEipAddress", "Descritpion"): str,
}
SCALARS = {"str": str, "int": int, "bool": bool, "float": (int, float)}


def declared_fields(models, class_name):
    """Wire name → annotation text of a model class, read from its constructor and `to_map`."""
    cls = getattr(models, class_name)
    wire = dict((attr, key) for key, attr in re.findall(r"result\['([^']+)'\] = (?:\[\]\s*\n\s*if )?self\.(\w+)", inspect.getsource(cls.to_map)))
    fields = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if name != "self":
            fields[wire.get(name, name)] = str(parameter.annotation).replace("main_models.", "")
    return fields


def check(models, annotation, value, path, problems):
    """Appends to `problems` each way `value` departs from `annotation`."""
    listed = re.fullmatch(r"List\[(.+)\]", annotation)
    if listed:
        if not isinstance(value, list):
            problems.append(f"{path}: {type(value).__name__} where a list is declared")
            return
        for i, item in enumerate(value):
            check(models, listed.group(1), item, f"{path}[{i}]", problems)
        return
    if annotation in SCALARS:
        wanted = SCALARS[annotation]
        wrong_bool = annotation in ("int", "float") and isinstance(value, bool)
        if not isinstance(value, wanted) or wrong_bool:
            problems.append(f"{path}: {json.dumps(value)[:40]} where {annotation} is declared")
        return
    if annotation.startswith("Dict") or annotation == "Any":
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: {type(value).__name__} where {annotation} is declared")
        return
    fields = declared_fields(models, annotation)
    for key, child in value.items():
        if (annotation, key) in UNMODELED:
            if not isinstance(child, UNMODELED[(annotation, key)]):
                problems.append(f"{path}.{key}: {json.dumps(child)[:40]} is not what the service answers")
        elif key not in fields:
            problems.append(f"{path}.{key}: not declared by {annotation}")
        else:
            check(models, fields[key], child, f"{path}.{key}", problems)


def raw_call(emulator, product, action, **params):
    _, version = PRODUCTS[product]
    query = urllib.parse.urlencode({"Action": action, "Version": version, "AccessKeyId": "LTAI5tShapes", **params})
    with urllib.request.urlopen(f"http://{emulator.endpoint}/?{query}", timeout=5) as reply:
        return json.loads(reply.read())


def body_class(action):
    return f"{action}ResponseBody"


@pytest.fixture
def network(emulator):
    """A VPC, a vSwitch, a security group with rules both ways, an EIP bound to a group, tags on all."""
    made = {}
    made["vpc"] = raw_call(emulator, "vpc", "CreateVpc", RegionId=REGION, CidrBlock="10.0.0.0/16", VpcName=WEIRD,
                           Description="d", **{"Tag.1.Key": "k", "Tag.1.Value": WEIRD})["VpcId"]
    made["vsw"] = raw_call(emulator, "vpc", "CreateVSwitch", RegionId=REGION, VpcId=made["vpc"], ZoneId="cn-hangzhou-b",
                           CidrBlock="10.0.1.0/24", VSwitchName="v", **{"Tag.1.Key": "k", "Tag.1.Value": "v"})["VSwitchId"]
    made["sg"] = raw_call(emulator, "ecs", "CreateSecurityGroup", RegionId=REGION, VpcId=made["vpc"],
                          SecurityGroupName="sg-shapes", **{"Tag.1.Key": "k", "Tag.1.Value": "v"})["SecurityGroupId"]
    raw_call(emulator, "ecs", "AuthorizeSecurityGroup", RegionId=REGION, SecurityGroupId=made["sg"], IpProtocol="tcp",
             PortRange="80/80", SourceCidrIp="0.0.0.0/0", Description="in")
    raw_call(emulator, "ecs", "AuthorizeSecurityGroupEgress", RegionId=REGION, SecurityGroupId=made["sg"],
             IpProtocol="all", PortRange="-1/-1", DestGroupId=made["sg"])
    made["eip"] = raw_call(emulator, "vpc", "AllocateEipAddress", RegionId=REGION, Name="e",
                           **{"Tag.1.Key": "k", "Tag.1.Value": "v"})["AllocationId"]
    group = emulator_group(emulator, made["vsw"], made["sg"])
    raw_call(emulator, "vpc", "AssociateEipAddress", RegionId=REGION, AllocationId=made["eip"], InstanceId=group)
    groups = raw_call(emulator, "resourcemanager", "ListResourceGroups")["ResourceGroups"]["ResourceGroup"]
    made["group"] = groups[0]["Id"]
    return made


def emulator_group(emulator, vsw, sg):
    query = urllib.parse.urlencode({
        "Action": "CreateContainerGroup", "Version": "2018-08-08", "AccessKeyId": "LTAI5tShapes", "RegionId": REGION,
        "ContainerGroupName": "shapes", "Container.1.Name": "app", "Container.1.Image": "nginx",
        "VSwitchId": vsw, "SecurityGroupId": sg,
    })
    with urllib.request.urlopen(f"http://{emulator.endpoint}/?{query}", timeout=5) as reply:
        return json.loads(reply.read())["ContainerGroupId"]


def calls(made):
    """(product, action, parameters) of every read and write, with the network of `made`."""
    return [
        ("vpc", "DescribeVpcs", {"RegionId": REGION}),
        ("vpc", "DescribeVpcAttribute", {"RegionId": REGION, "VpcId": made["vpc"]}),
        ("vpc", "DescribeVSwitches", {"RegionId": REGION, "VpcId": made["vpc"]}),
        ("vpc", "DescribeVSwitchAttributes", {"RegionId": REGION, "VSwitchId": made["vsw"]}),
        ("vpc", "DescribeRouteTableList", {"RegionId": REGION, "VpcId": made["vpc"]}),
        ("vpc", "DescribeEipAddresses", {"RegionId": REGION}),
        ("vpc", "ListTagResources", {"RegionId": REGION, "ResourceType": "VPC", "ResourceId.1": made["vpc"]}),
        ("vpc", "DescribeZones", {"RegionId": REGION}),
        ("vpc", "DescribeRegions", {}),
        ("vpc", "ModifyVpcAttribute", {"RegionId": REGION, "VpcId": made["vpc"], "VpcName": "renamed"}),
        ("vpc", "ModifyVSwitchAttribute", {"RegionId": REGION, "VSwitchId": made["vsw"], "Description": "x"}),
        ("vpc", "ModifyEipAddressAttribute", {"RegionId": REGION, "AllocationId": made["eip"], "Bandwidth": "8"}),
        ("vpc", "TagResources", {"RegionId": REGION, "ResourceType": "EIP", "ResourceId.1": made["eip"],
                                 "Tag.1.Key": "t", "Tag.1.Value": "1"}),
        ("ecs", "DescribeSecurityGroups", {"RegionId": REGION}),
        ("ecs", "DescribeSecurityGroups", {"RegionId": REGION, "MaxResults": "1"}),
        ("ecs", "DescribeSecurityGroupAttribute", {"RegionId": REGION, "SecurityGroupId": made["sg"]}),
        ("ecs", "DescribeZones", {"RegionId": REGION}),
        ("ecs", "DescribeRegions", {}),
        ("ecs", "DescribeAvailableResource", {"RegionId": REGION, "DestinationResource": "Zone"}),
        ("ecs", "DescribeAvailableResource", {"RegionId": REGION, "DestinationResource": "InstanceType",
                                              "ZoneId": "cn-hangzhou-k"}),
        ("ecs", "ListTagResources", {"RegionId": REGION, "ResourceType": "securitygroup", "ResourceId.1": made["sg"]}),
        ("ecs", "ModifySecurityGroupPolicy", {"RegionId": REGION, "SecurityGroupId": made["sg"], "InnerAccessPolicy": "Drop"}),
        ("ecs", "DescribeInstanceTypes", {}),
        ("ecs", "DescribeTags", {"RegionId": REGION, "ResourceType": "securitygroup", "ResourceId": made["sg"]}),
        ("ecs", "DescribeImages", {"RegionId": REGION, "ImageOwnerAlias": "system"}),
        ("vpc", "MoveResourceGroup", {"RegionId": REGION, "ResourceId": made["vpc"], "ResourceType": "VPC",
                                      "NewResourceGroupId": made["group"]}),
        ("ecs", "JoinResourceGroup", {"RegionId": REGION, "ResourceId": made["sg"], "ResourceType": "securitygroup",
                                      "ResourceGroupId": made["group"]}),
        ("vpc", "CreateDefaultVpc", {"RegionId": REGION, "EnableIpv6": "true"}),
        ("vpc", "CreateDefaultVSwitch", {"RegionId": REGION, "ZoneId": "cn-hangzhou-b", "Ipv6CidrBlock": "3"}),
        ("sts", "GetCallerIdentity", {}),
        ("resourcemanager", "ListResourceGroups", {}),
        ("resourcemanager", "GetResourceGroup", {"ResourceGroupId": made["group"]}),
    ]


def test_every_answer_holds_to_the_sdk_model(emulator, network):
    problems = []
    for product, action, params in calls(network):
        package, _ = PRODUCTS[product]
        models = importlib.import_module(f"{package}.models")
        body = raw_call(emulator, product, action, **params)
        check(models, body_class(action), body, f"{product}:{action}", problems)
    assert problems == [], "\n".join(problems)


def test_the_shape_check_can_fail():
    models = importlib.import_module("alibabacloud_vpc20160428.models")
    problems = []
    check(models, "DescribeVpcAttributeResponseBody", {"OwnerId": "12", "Bogus": 1, "Tags": {"Tag": {"Key": "k"}}},
          "x", problems)
    assert problems == [
        'x.OwnerId: "12" where int is declared',
        "x.Bogus: not declared by DescribeVpcAttributeResponseBody",
        "x.Tags.Tag: dict where a list is declared",
    ]
