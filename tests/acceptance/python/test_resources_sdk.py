"""Every operation beyond container groups, through the official SDK: image and data caches, virtual
nodes, prices, available resources, metrics, commits, O&M tasks and volume resizes. Each test reads
the response fields the SDK parses."""

import json

import pytest
from alibabacloud_eci20180808 import models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from test_tea_sdk import REGION, client


def create_group(c, name, **extra):
    container = models.CreateContainerGroupRequestContainer(name="app", image="nginx:1.25", cpu=2.0, memory=4.0)
    request = models.CreateContainerGroupRequest(region_id=REGION, container_group_name=name, container=[container], **extra)
    return c.create_container_group(request).body.container_group_id


def test_image_cache_life_and_use(emulator):
    c = client(emulator)
    created = c.create_image_cache(
        models.CreateImageCacheRequest(region_id=REGION, image_cache_name="sdk-cache", image=["nginx:1.25"])
    ).body
    assert created.image_cache_id.startswith("imc-") and created.container_group_id.startswith("eci-")
    caches = c.describe_image_caches(models.DescribeImageCachesRequest(region_id=REGION, match_image=["nginx:1.25"])).body
    assert caches.total_count == 1
    cache = caches.image_caches[0]
    assert (cache.status, cache.images, cache.progress) == ("Ready", ["nginx:1.25"], "100%")
    group_id = create_group(c, "cached", image_snapshot_id=cache.snapshot_id)
    assert group_id.startswith("eci-")
    c.update_image_cache(
        models.UpdateImageCacheRequest(region_id=REGION, image_cache_id=created.image_cache_id, image=["nginx:1.27"])
    )
    c.delete_image_cache(models.DeleteImageCacheRequest(region_id=REGION, image_cache_id=created.image_cache_id))
    assert c.describe_image_caches(models.DescribeImageCachesRequest(region_id=REGION)).body.total_count == 0


def test_data_cache_life_and_copy(emulator):
    c = client(emulator)
    source = models.CreateDataCacheRequestDataSource(type="URL", options={"url": "https://example.com/w"})
    cache_id = c.create_data_cache(
        models.CreateDataCacheRequest(region_id=REGION, bucket="models", path="/w", data_source=source)
    ).body.data_cache_id
    listed = c.describe_data_caches(models.DescribeDataCachesRequest(region_id=REGION, bucket="models")).body
    cache = listed.data_caches[0]
    assert (cache.data_cache_id, cache.status, cache.path, cache.data_source.type) == (cache_id, "Available", "/w", "URL")
    c.update_data_cache(models.UpdateDataCacheRequest(region_id=REGION, data_cache_id=cache_id, size=40))
    copy_id = c.copy_data_cache(
        models.CopyDataCacheRequest(region_id=REGION, data_cache_id=cache_id, destination_region_id="cn-beijing")
    ).body.data_cache_id
    there = c.describe_data_caches(models.DescribeDataCachesRequest(region_id="cn-beijing")).body
    assert [d.data_cache_id for d in there.data_caches] == [copy_id]
    c.delete_data_cache(models.DeleteDataCacheRequest(region_id=REGION, data_cache_id=cache_id))


def test_virtual_node_life(emulator):
    c = client(emulator)
    node_id = c.create_virtual_node(
        models.CreateVirtualNodeRequest(region_id=REGION, v_switch_id="vsw-sdk", security_group_id="sg-sdk", virtual_node_name="vk-sdk")
    ).body.virtual_node_id
    nodes = c.describe_virtual_nodes(
        models.DescribeVirtualNodesRequest(region_id=REGION, virtual_node_ids=json.dumps([node_id]))
    ).body
    node = nodes.virtual_nodes[0]
    assert (node.virtual_node_name, node.status, node.virtual_node_vswitch_id) == ("vk-sdk", "Ready", "vsw-sdk")
    assert node.intranet_ip
    c.update_virtual_node(models.UpdateVirtualNodeRequest(region_id=REGION, virtual_node_id=node_id, virtual_node_name="vk-two"))
    c.delete_virtual_node(models.DeleteVirtualNodeRequest(region_id=REGION, virtual_node_id=node_id))
    assert c.describe_virtual_nodes(models.DescribeVirtualNodesRequest(region_id=REGION)).body.total_count == 0


def test_price_and_available_resource(emulator):
    c = client(emulator)
    price = c.describe_container_group_price(models.DescribeContainerGroupPriceRequest(region_id=REGION, cpu=2.0, memory=4.0)).body
    assert price.price_info.price.trade_price == pytest.approx(0.00012252)
    assert price.price_info.price.currency == "CNY"
    spot = c.describe_container_group_price(
        models.DescribeContainerGroupPriceRequest(region_id=REGION, cpu=2.0, memory=4.0, spot_strategy="SpotAsPriceGo", zone_id="cn-hangzhou-b")
    ).body
    offer = spot.price_info.spot_prices.spot_price[0]
    assert offer.zone_id == "cn-hangzhou-b" and offer.spot_price < offer.origin_price
    resource = models.DescribeAvailableResourceRequestDestinationResource(category="InstanceTypeFamily")
    zones = c.describe_available_resource(
        models.DescribeAvailableResourceRequest(region_id=REGION, zone_id="cn-hangzhou-h", destination_resource=resource)
    ).body.available_zones.available_zone
    supported = zones[0].available_resources.available_resource[0].supported_resources.supported_resource
    assert "ecs.c6" in [s.value for s in supported]


def test_metrics(emulator):
    c = client(emulator)
    group_id = create_group(c, "measured")
    single = c.describe_container_group_metric(
        models.DescribeContainerGroupMetricRequest(region_id=REGION, container_group_id=group_id)
    ).body
    assert single.container_group_id == group_id and single.records
    assert single.records[0].cpu.limit == 2000
    multi = c.describe_multi_container_group_metric(
        models.DescribeMultiContainerGroupMetricRequest(region_id=REGION, container_group_ids=json.dumps([group_id]))
    ).body
    assert multi.monitor_datas[0].container_group_id == group_id


def test_commit_ops_and_resize(emulator):
    c = client(emulator)
    volume = models.CreateContainerGroupRequestVolume(
        name="data", type="FlexVolume", flex_volume=models.CreateContainerGroupRequestVolumeFlexVolume(driver="alicloud/disk")
    )
    group_id = create_group(c, "worked", volume=[volume])
    image = models.CommitContainerRequestImage(repository="registry.example/app", tag="v1")
    task_id = c.commit_container(
        models.CommitContainerRequest(region_id=REGION, container_group_id=group_id, container_name="app", image=image)
    ).body.task_id
    tasks = c.describe_commit_container_task(
        models.DescribeCommitContainerTaskRequest(region_id=REGION, container_group_id=group_id)
    ).body
    assert [(t.task_id, t.task_status) for t in tasks.commit_tasks] == [(task_id, "Succeeded")]
    result = c.create_instance_ops_task(
        models.CreateInstanceOpsTaskRequest(region_id=REGION, container_group_id=group_id, ops_type="coredump", ops_value="enable")
    ).body.result
    assert result == "Success"
    records = c.describe_instance_ops_records(
        models.DescribeInstanceOpsRecordsRequest(region_id=REGION, container_group_id=group_id, ops_type="coredump")
    ).body.records
    assert records[0].ops_status == "Success"
    c.resize_container_group_volume(
        models.ResizeContainerGroupVolumeRequest(region_id=REGION, container_group_id=group_id, volume_name="data", new_size=100)
    )
    with pytest.raises(AlibabaCloudException) as refused:
        c.create_instance_ops_task(
            models.CreateInstanceOpsTaskRequest(region_id=REGION, container_group_id=group_id, ops_type="strace", ops_value="x")
        )
    assert refused.value.code == "Ops.TypeNotSupport"
