"""Logs, exec, regions and tags through the official SDK (alibabacloud_eci20180808)."""

import json

from alibabacloud_eci20180808 import models

from test_tea_sdk import REGION, client


def create(c, name, **extra):
    container = models.CreateContainerGroupRequestContainer(name="app", image="nginx:1.25")
    request = models.CreateContainerGroupRequest(region_id=REGION, container_group_name=name, container=[container], **extra)
    return c.create_container_group(request).body.container_group_id


def test_logs_derived_scripted_and_tailed(emulator):
    c = client(emulator)
    group_id = create(c, "logged")
    request = models.DescribeContainerLogRequest(region_id=REGION, container_group_id=group_id, container_name="app")
    body = c.describe_container_log(request).body
    assert (body.container_name, body.content) == ("app", "container app started from image nginx:1.25\n")
    status, _ = emulator.call(
        "POST", f"/_emulator/container-groups/{group_id}/lifecycle", {"action": "setLog", "container": "app", "text": "a\nb\nc"}
    )
    assert status == 200
    request.tail = 2
    assert c.describe_container_log(request).body.content == "b\nc\n"


def test_exec_sync_replies(emulator):
    c = client(emulator)
    group_id = create(c, "exec")
    request = models.ExecContainerCommandRequest(
        region_id=REGION,
        container_group_id=group_id,
        container_name="app",
        command=json.dumps(["/bin/sh", "-c", "echo ready"]),
        sync=True,
    )
    assert c.exec_container_command(request).body.sync_response == "ready\n"
    request.sync = False
    assert c.exec_container_command(request).body.web_socket_uri.startswith(f"ws://{emulator.endpoint}/_emulator/exec/")


def test_regions_list_zones(emulator):
    regions = client(emulator).describe_regions(models.DescribeRegionsRequest()).body.regions
    hangzhou = next(r for r in regions if r.region_id == "cn-hangzhou")
    assert "cn-hangzhou-b" in hangzhou.zones and hangzhou.region_endpoint == "eci.aliyuncs.com"


def test_tags_round_trip(emulator):
    c = client(emulator)
    group_id = create(c, "tagged")
    c.tag_resources(
        models.TagResourcesRequest(
            region_id=REGION,
            resource_type="ContainerGroup",
            resource_id=[group_id],
            tag=[models.TagResourcesRequestTag(key="env", value="ci")],
        )
    )
    listed = c.list_tag_resources(
        models.ListTagResourcesRequest(region_id=REGION, resource_type="ContainerGroup", resource_id=[group_id])
    ).body
    assert [(t.resource_id, t.tag_key, t.tag_value) for t in listed.tag_resources] == [(group_id, "env", "ci")]
    c.untag_resources(
        models.UntagResourcesRequest(region_id=REGION, resource_type="ContainerGroup", resource_id=[group_id], all=True)
    )
    listed = c.list_tag_resources(
        models.ListTagResourcesRequest(region_id=REGION, resource_type="ContainerGroup", resource_id=[group_id])
    ).body
    assert listed.tag_resources == []
