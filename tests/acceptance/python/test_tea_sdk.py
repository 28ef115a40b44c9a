"""The current official SDK, alibabacloud_eci20180808, with its default ACS3 signing and with v2 (HMAC-SHA1)."""

import json

import pytest
from alibabacloud_eci20180808 import models
from alibabacloud_eci20180808.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.exceptions import ClientException as TeaException
from alibabacloud_tea_openapi.utils import Utils

from conftest import STRICT_ACCOUNT, STRICT_KEY, WEIRD

REGION = "cn-hangzhou"


def client(emulator, ak="LTAI5tOpenKey", secret="any-secret", algorithm=None):
    config = open_api_models.Config(
        access_key_id=ak,
        access_key_secret=secret,
        endpoint=emulator.endpoint,
        protocol="http",
        region_id=REGION,
    )
    if algorithm:
        config.signature_algorithm = algorithm
    return Client(config)


def create_request(name="sdk-group", token=None):
    container = models.CreateContainerGroupRequestContainer(
        name="app",
        image="nginx:1.25",
        cpu=1.0,
        memory=2.0,
        command=["sh", "-c", WEIRD],
        arg=["--x"],
        environment_var=[models.CreateContainerGroupRequestContainerEnvironmentVar(key="WEIRD", value=WEIRD)],
        port=[models.CreateContainerGroupRequestContainerPort(port=80, protocol="TCP")],
        tty=True,
    )
    return models.CreateContainerGroupRequest(
        region_id=REGION,
        container_group_name=name,
        container=[container],
        tag=[models.CreateContainerGroupRequestTag(key="k*~", value=WEIRD)],
        zone_id="cn-hangzhou-b",
        client_token=token,
    )


def describe_one(c, group_id):
    req = models.DescribeContainerGroupsRequest(region_id=REGION, container_group_ids=json.dumps([group_id]))
    body = c.describe_container_groups(req).body
    assert body.total_count == 1
    return body.container_groups[0]


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_create_read_back_page_delete(emulator, algorithm):
    c = client(emulator, algorithm=algorithm)
    created = c.create_container_group(create_request())
    assert created.status_code == 200
    group_id = created.body.container_group_id
    assert group_id.startswith("eci-bp1") and len(group_id) == 24
    assert len(created.body.request_id) == 36

    g = describe_one(c, group_id)
    assert g.container_group_name == "sdk-group"
    assert g.status == "Running"
    assert g.zone_id == "cn-hangzhou-b"
    assert g.intranet_ip.startswith("172.16.")
    assert g.cpu == 2.0 or g.cpu == 1.0
    assert g.tags[0].key == "k*~" and g.tags[0].value == WEIRD
    app = g.containers[0]
    assert app.commands == ["sh", "-c", WEIRD]
    assert app.args == ["--x"]
    assert app.environment_vars[0].key == "WEIRD" and app.environment_vars[0].value == WEIRD
    assert app.ports[0].port == 80 and app.ports[0].protocol == "TCP"
    assert app.tty is True
    assert app.current_state.state == "Running"

    for i in range(4):
        c.create_container_group(create_request(name=f"more-{i}"))
    seen, token = [], None
    while True:
        page = c.describe_container_groups(
            models.DescribeContainerGroupsRequest(region_id=REGION, limit=2, next_token=token)
        ).body
        assert page.total_count == 5
        seen += [x.container_group_id for x in page.container_groups]
        token = page.next_token
        if not token:
            break
    assert len(seen) == 5 and len(set(seen)) == 5 and seen[-1] == group_id

    status = c.describe_container_group_status(
        models.DescribeContainerGroupStatusRequest(region_id=REGION, container_group_ids=json.dumps([group_id]))
    ).body
    assert status.data[0].status == "Running"
    assert status.data[0].pod_status.phase == "Running"
    assert status.data[0].pod_status.pod_ip == g.intranet_ip

    c.delete_container_group(models.DeleteContainerGroupRequest(region_id=REGION, container_group_id=group_id))
    with pytest.raises(TeaException) as raised:
        c.delete_container_group(models.DeleteContainerGroupRequest(region_id=REGION, container_group_id=group_id))
    assert raised.value.code == "InvalidParameter.NotFound"
    assert raised.value.status_code == 404
    assert group_id in raised.value.message


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_api_errors_surface_in_the_exception(emulator, algorithm):
    c = client(emulator, algorithm=algorithm)
    bad = create_request()
    bad.container.append(bad.container[0])
    with pytest.raises(TeaException) as raised:
        c.create_container_group(bad)
    assert raised.value.code == "InvalidParameter.DuplicatedName"
    assert raised.value.status_code == 400
    assert "duplicate names" in raised.value.message
    assert len(raised.value.request_id) == 36

    missing = models.CreateContainerGroupRequest(region_id=REGION, container_group_name="no-containers")
    with pytest.raises(TeaException) as raised:
        c.create_container_group(missing)
    assert raised.value.code == "MissingParameter"
    assert '"Container"' in raised.value.message


def test_client_token_returns_the_same_group(emulator):
    c = client(emulator)
    first = c.create_container_group(create_request(token="tok-1")).body.container_group_id
    again = c.create_container_group(create_request(token="tok-1")).body.container_group_id
    assert first == again


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_strict_mode_accepts_the_right_secret(strict_emulator, algorithm):
    ak, secret = STRICT_KEY
    c = client(strict_emulator, ak=ak, secret=secret, algorithm=algorithm)
    group_id = c.create_container_group(create_request(name=f"strict-{algorithm or 'acs3'}")).body.container_group_id
    assert describe_one(c, group_id).tags[0].value == WEIRD
    state = strict_emulator.get("/_emulator/state")
    assert STRICT_ACCOUNT in [p["account"] for p in state["partitions"]]


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_strict_mode_refuses_a_wrong_secret_and_an_unknown_key(strict_emulator, algorithm):
    ak, _ = STRICT_KEY
    with pytest.raises(TeaException) as raised:
        client(strict_emulator, ak=ak, secret="wrong", algorithm=algorithm).describe_container_groups(
            models.DescribeContainerGroupsRequest(region_id=REGION)
        )
    assert (raised.value.code, raised.value.status_code) == ("SignatureDoesNotMatch", 400)
    assert "Specified signature is not matched with our calculation. server string to sign is:" in raised.value.message
    with pytest.raises(TeaException) as raised:
        client(strict_emulator, ak="LTAI5tNobody", secret="x", algorithm=algorithm).describe_container_groups(
            models.DescribeContainerGroupsRequest(region_id=REGION)
        )
    assert (raised.value.code, raised.value.status_code) == ("InvalidAccessKeyId.NotFound", 404)


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_strict_mode_refuses_a_replayed_nonce(strict_emulator, algorithm, monkeypatch):
    ak, secret = STRICT_KEY
    c = client(strict_emulator, ak=ak, secret=secret, algorithm=algorithm)
    nonce = f"replayed-nonce-{algorithm or 'acs3'}"
    monkeypatch.setattr(Utils, "get_nonce", staticmethod(lambda: nonce))
    request = models.DescribeContainerGroupsRequest(region_id=REGION)
    assert c.describe_container_groups(request).status_code == 200
    with pytest.raises(TeaException) as raised:
        c.describe_container_groups(request)
    assert (raised.value.code, raised.value.status_code) == ("SignatureNonceUsed", 400)


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_strict_mode_refuses_a_stale_timestamp(strict_emulator, algorithm, monkeypatch):
    ak, secret = STRICT_KEY
    c = client(strict_emulator, ak=ak, secret=secret, algorithm=algorithm)
    monkeypatch.setattr(Utils, "get_timestamp", staticmethod(lambda: "2020-01-01T00:00:00Z"))
    with pytest.raises(TeaException) as raised:
        c.describe_container_groups(models.DescribeContainerGroupsRequest(region_id=REGION))
    assert (raised.value.code, raised.value.status_code) == ("InvalidTimeStamp.Expired", 400)


def filled(model_class, depth=0):
    """An instance of an SDK model with every field set, recursively, from its type hints."""
    import typing

    hints = typing.get_type_hints(model_class.__init__)
    values = {}
    for name, hint in hints.items():
        if name == "return":
            continue
        values[name] = sample(hint, depth)
    return model_class(**values)


def sample(hint, depth):
    import typing

    origin = typing.get_origin(hint)
    if origin in (list, typing.List):
        return [sample(typing.get_args(hint)[0], depth + 1)]
    if origin in (dict, typing.Dict):
        return {"k": "v"}
    if hint is bool:
        return True
    if hint is int:
        return 1
    if hint is float:
        return 1.0
    if hint is str:
        return "v"
    return filled(hint, depth + 1)


EVERY_FIELD_FIXTURES = {
    "eips": [{"allocationId": "eip-every", "regionId": REGION, "ipAddress": "47.0.0.99"}],
    "disks": [{"diskId": "d-every", "zoneId": "cn-hangzhou-b", "size": 40}],
    "imageCaches": [{"imageCacheId": "imc-every", "regionId": REGION}],
}


def test_every_parameter_the_sdk_sends_is_accepted_and_echoed(emulator):
    emulator.post_fixtures(EVERY_FIELD_FIXTURES)
    request = filled(models.CreateContainerGroupRequest)
    valid = {
        "region_id": REGION, "container_group_name": "every-field", "zone_id": "cn-hangzhou-b",
        "v_switch_id": "vsw-every", "security_group_id": "sg-every", "dry_run": False, "client_token": None,
        "restart_policy": "OnFailure", "dns_policy": "None", "spot_strategy": "SpotWithPriceLimit",
        "spot_price_limit": 0.125, "spot_duration": 1, "schedule_strategy": "VSwitchOrdered",
        "cpu_architecture": "AMD64", "os_type": "Linux", "eip_isp": "BGP", "image_accelerate_mode": "p2p",
        "compute_category": ["general"], "data_cache_pl": "PL1", "private_ip_address": "172.16.128.10",
        "eip_instance_id": "eip-every", "auto_create_eip": False, "image_snapshot_id": "imc-every",
        "cpu": 2.0, "memory": 4.0, "instance_type": None,
    }
    for name, value in valid.items():
        setattr(request, name, value)
    request.security_context.sysctl[0].name = "net.ipv4.ping_group_range"
    request.host_security_context.sysctl[0].name = "kernel.sem"
    request.host_aliase[0].ip = "10.0.0.1"
    volume = request.volume[0]
    volume.type = "NFSVolume"
    volume.disk_volume.disk_id = "d-every"
    volume.empty_dir_volume.medium = "Memory"
    volume.flex_volume.driver = "alicloud/nas"
    volume.flex_volume.options = "{}"
    volume.host_path_volume.type = "Directory"
    volume.config_file_volume.config_file_to_path[0].content = "dg=="
    for c in (request.container[0], request.init_container[0]):
        c.image_pull_policy = "IfNotPresent"
        c.environment_var[0].field_ref.field_path = "status.podIP"
        c.port[0].protocol = "TCP"
        c.volume_mount[0].mount_propagation = "HostToContainer"
        c.security_context.capability.add = ["NET_ADMIN"]
        c.termination_message_policy = "File"
    request.init_container[0].name = "init"
    app = request.container[0]
    app.liveness_probe.exec = None
    app.liveness_probe.tcp_socket = None
    app.liveness_probe.http_get.scheme = "HTTP"
    app.readiness_probe.exec = None
    app.readiness_probe.http_get = None
    app.lifecycle_post_start_handler_http_get_scheme = "HTTPS"
    app.lifecycle_pre_stop_handler_http_get_scheme = "HTTP"

    c = client(emulator)
    group_id = c.create_container_group(request).body.container_group_id
    g = describe_one(c, group_id)
    assert (g.v_switch_id, g.security_group_id, g.zone_id) == ("vsw-every", "sg-every", "cn-hangzhou-b")
    assert (g.intranet_ip, g.internet_ip) == ("172.16.128.10", "47.0.0.99")
    assert g.restart_policy == "OnFailure" and g.ram_role_name == "v" and g.resource_group_id == "v"
    assert g.spot_strategy == "SpotWithPriceLimit" and g.spot_price_limit == 0.125
    assert (g.cpu, g.memory) == (2.0, 4.0)
    assert g.dns_config.name_servers == ["v"] and g.dns_config.options[0].name == "v"
    assert g.eci_security_context.sysctls[0].name == "net.ipv4.ping_group_range"
    assert g.host_aliases[0].hostnames == ["v"]
    assert g.tags[0].key == "v"
    volume = g.volumes[0]
    assert volume.type == "NFSVolume" and volume.nfsvolume_server == "v" and volume.nfsvolume_path == "v"
    assert volume.flex_volume_options == "{}" and volume.disk_volume_disk_id == "d-every"
    assert volume.config_file_volume_config_file_to_paths[0].content == "dg=="
    app = g.containers[0]
    assert app.liveness_probe.http_get.path == "v" and app.liveness_probe.http_get.scheme == "HTTP"
    assert app.readiness_probe.tcp_socket.port == 1
    assert app.security_context.capability.adds == ["NET_ADMIN"] and app.security_context.run_as_user == 1
    assert app.volume_mounts[0].mount_propagation == "HostToContainer"
    assert app.environment_vars[0].value_from.field_ref.field_path == "status.podIP"
    assert app.stdin is True and app.stdin_once is True and app.tty is True
    assert g.init_containers[0].command == ["v"] and g.init_containers[0].name == "init"
