"""HTTPS on the listener's own port, with the certificate the emulator writes at start: what clients
that call HTTPS whatever they are told (the Terraform provider's security group rules) need."""

import json
import socket
import ssl
import time
import urllib.error
import urllib.request

import pytest

from conftest import Emulator


@pytest.fixture
def secured(tmp_path):
    certificate = tmp_path / "emulator.pem"
    emu = Emulator("--tls-certificate-file", str(certificate), "--tls-name", "eci.internal")
    yield emu, certificate
    emu.stop()


def test_https_and_http_share_the_port_and_the_certificate_is_trusted_as_written(secured):
    emu, certificate = secured
    trusted = ssl.create_default_context(cafile=str(certificate))
    port = emu.port
    for host in ("127.0.0.1", "localhost"):
        with urllib.request.urlopen(f"https://{host}:{port}/_emulator/health", context=trusted, timeout=5) as reply:
            assert json.loads(reply.read())["status"] == "ok"
    query = "Action=DescribeRegions&Version=2018-08-08&AccessKeyId=LTAI5tHttps"
    with urllib.request.urlopen(f"https://127.0.0.1:{port}/?{query}", context=trusted, timeout=5) as reply:
        assert any(r["RegionId"] == "cn-hangzhou" for r in json.loads(reply.read())["Regions"])
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/?{query}", timeout=5) as reply:
        assert reply.status == 200
    assert "BEGIN CERTIFICATE" in certificate.read_text()


def test_a_client_that_does_not_trust_the_certificate_is_refused_the_handshake(secured):
    emu, _ = secured
    with pytest.raises(urllib.error.URLError) as refused:
        urllib.request.urlopen(f"https://127.0.0.1:{emu.port}/_emulator/health", timeout=5)
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
    # The emulator goes on serving.
    assert emu.get("/_emulator/health")["status"] == "ok"


@pytest.mark.parametrize(
    "path, headers, status",
    [
        ("/?Action=DescribeRegions&Pad=" + "x" * 70_000, {}, 414),
        ("/?Action=DescribeRegions", {f"X-Pad-{n}": "y" for n in range(150)}, 431),
    ],
    ids=["uri too long", "head too large"],
)
def test_over_https_a_refused_head_still_gets_the_api_error_body(secured, path, headers, status):
    emu, certificate = secured
    trusted = ssl.create_default_context(cafile=str(certificate))
    request = urllib.request.Request(f"https://127.0.0.1:{emu.port}{path}", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, context=trusted, timeout=5)
    assert refused.value.code == status
    body = json.loads(refused.value.read())
    assert body["Code"] == "InvalidParameter.LengthExceeded" and body["RequestId"], body


def test_a_quiet_https_connection_gets_the_idle_timeout_not_the_head_timeout(tmp_path):
    certificate = tmp_path / "emulator.pem"
    emu = Emulator(
        "--tls-certificate-file", str(certificate), "--header-read-timeout-ms", "300", "--idle-timeout-ms", "3000"
    )
    try:
        trusted = ssl.create_default_context(cafile=str(certificate))
        with socket.create_connection(("127.0.0.1", emu.port)) as raw:
            with trusted.wrap_socket(raw, server_hostname="127.0.0.1") as secured_socket:
                started = time.monotonic()
                secured_socket.settimeout(10)
                try:
                    closed = secured_socket.recv(1) == b""
                except (ConnectionError, ssl.SSLError):
                    closed = True
                waited = time.monotonic() - started
        assert closed
        # Closed by the 3 s idle timeout (the watchdog closes within 1.25 times it), not the 0.3 s
        # head timeout.
        assert waited > 2.0, waited
    finally:
        emu.stop()
