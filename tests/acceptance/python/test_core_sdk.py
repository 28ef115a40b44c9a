"""The classic aliyun-python-sdk-core (HMAC-SHA1 v1.0) with GET, POST, XML and body parameters."""

import json
import xml.etree.ElementTree as ET

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest

from conftest import STRICT_KEY, WEIRD

REGION = "cn-hangzhou"


def acs_client(ak="LTAI5tCoreKey", secret="core-secret"):
    return AcsClient(ak, secret, REGION, auto_retry=False, max_retry_time=0)


def request(emulator, action, method="GET", fmt="JSON"):
    r = CommonRequest(domain=emulator.endpoint, version="2018-08-08", action_name=action)
    r.set_protocol_type("http")
    r.set_method(method)
    r.set_accept_format(fmt)
    r.add_query_param("RegionId", REGION)
    return r


def create(emulator, client, name, method="GET", in_body=False):
    r = request(emulator, "CreateContainerGroup", method)
    params = {"ContainerGroupName": name, "Container.1.Name": "c1", "Container.1.Image": WEIRD, "Tag.1.Key": "w", "Tag.1.Value": WEIRD}
    for k, v in params.items():
        (r.add_body_params if in_body else r.add_query_param)(k, v)
    return json.loads(client.do_action_with_exception(r))["ContainerGroupId"]


def describe_ids(emulator, client, ids, method="GET"):
    r = request(emulator, "DescribeContainerGroups", method)
    r.add_query_param("ContainerGroupIds", json.dumps(ids))
    return client.do_action_with_exception(r)


@pytest.mark.parametrize("method,in_body", [("GET", False), ("POST", False), ("POST", True)])
def test_create_read_back_and_delete(emulator, method, in_body):
    client = acs_client()
    group_id = create(emulator, client, f"core-{method.lower()}-{int(in_body)}", method, in_body)
    body = json.loads(describe_ids(emulator, client, [group_id], method))
    assert body["TotalCount"] == 1
    g = body["ContainerGroups"][0]
    assert g["Containers"][0]["Image"] == WEIRD
    assert g["Tags"] == [{"Key": "w", "Value": WEIRD}]

    r = request(emulator, "DeleteContainerGroup", method)
    r.add_query_param("ContainerGroupId", group_id)
    client.do_action_with_exception(r)
    assert json.loads(describe_ids(emulator, client, [group_id], method))["TotalCount"] == 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_xml_responses_parse(emulator):
    client = acs_client()
    group_id = create(emulator, client, "core-xml")
    r = request(emulator, "DescribeContainerGroups", fmt="XML")
    r.add_query_param("ContainerGroupIds", json.dumps([group_id]))
    # do_action_with_exception forces JSON; get_response keeps the format asked for.
    status, headers, text = client.get_response(r)
    assert status == 200
    assert headers["Content-Type"] == "text/xml;charset=utf-8"
    root = ET.fromstring(text)
    assert root.tag == "DescribeContainerGroupsResponse"
    assert root.findtext("TotalCount") == "1"
    groups = root.findall("ContainerGroups")
    assert len(groups) == 1
    assert groups[0].findtext("ContainerGroupId") == group_id
    assert groups[0].find("Tags").findtext("Value") == WEIRD


def test_paging_with_next_token(emulator):
    client = acs_client()
    made = [create(emulator, client, f"core-page-{i}") for i in range(5)]
    seen, token = [], None
    while True:
        r = request(emulator, "DescribeContainerGroups")
        r.add_query_param("Limit", "2")
        if token:
            r.add_query_param("NextToken", token)
        body = json.loads(client.do_action_with_exception(r))
        seen += [g["ContainerGroupId"] for g in body["ContainerGroups"]]
        token = body["NextToken"]
        if not token:
            break
    assert seen == list(reversed(made))


def test_errors_raise_server_exception(emulator):
    client = acs_client()
    r = request(emulator, "DeleteContainerGroup")
    r.add_query_param("ContainerGroupId", "eci-missing")
    with pytest.raises(ServerException) as raised:
        client.do_action_with_exception(r)
    assert raised.value.get_error_code() == "InvalidParameter.NotFound"
    assert raised.value.get_http_status() == 404
    assert "eci-missing" in raised.value.get_error_msg()
    assert len(raised.value.get_request_id()) == 36


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_errors_in_xml(emulator):
    client = acs_client()
    r = request(emulator, "DeleteContainerGroup", fmt="XML")
    r.add_query_param("ContainerGroupId", "eci-missing")
    status, headers, text = client.get_response(r)
    assert status == 404
    root = ET.fromstring(text)
    assert root.tag == "Error"
    assert root.findtext("Code") == "InvalidParameter.NotFound"
    assert root.findtext("HostId") == "eci.aliyuncs.com"
    assert len(root.findtext("RequestId")) == 36


def test_strict_mode_right_and_wrong_secret(strict_emulator):
    ak, secret = STRICT_KEY
    good = acs_client(ak, secret)
    group_id = create(strict_emulator, good, "core-strict", "POST", True)
    assert json.loads(describe_ids(strict_emulator, good, [group_id]))["TotalCount"] == 1
    with pytest.raises(ServerException) as raised:
        describe_ids(strict_emulator, acs_client(ak, "wrong"), [group_id])
    assert (raised.value.get_error_code(), raised.value.get_http_status()) == ("SignatureDoesNotMatch", 400)
    # The SDK splits the message at ':' to read the server's string to sign, as the gateway sends it.
    assert raised.value.get_error_msg().split(":")[1].startswith("GET&%2F&AccessKeyId%3D")


def test_strict_mode_replay_and_stale_timestamp(strict_emulator, monkeypatch):
    from aliyunsdkcore.utils import parameter_helper

    ak, secret = STRICT_KEY
    client = acs_client(ak, secret)
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: "core-fixed-nonce")
    describe_ids(strict_emulator, client, [])
    with pytest.raises(ServerException) as raised:
        describe_ids(strict_emulator, client, [])
    assert raised.value.get_error_code() == "SignatureNonceUsed"
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: "another-nonce")
    monkeypatch.setattr(parameter_helper, "get_iso_8061_date", lambda: "2020-01-01T00:00:00Z")
    with pytest.raises(ServerException) as raised:
        describe_ids(strict_emulator, client, [])
    assert raised.value.get_error_code() == "InvalidTimeStamp.Expired"
