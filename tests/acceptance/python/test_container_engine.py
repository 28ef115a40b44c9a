"""The container image under a real Docker engine, run as its users run it: `docker run` with a
published port, the official SDK through it, signatures verified, `docker stop`, `--read-only`, a
named state volume across `docker kill`, the Compose file's service name, and the image's size.

scripts/test starts an engine of its own (scripts/docker-engine), builds the image with scripts/image,
loads it, and hands both over in DOCKER_HOST and ECI_EMULATOR_IMAGE (ECI_REQUIRE_DOCKER=1 makes a
missing engine a failure rather than a skip)."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from alibabacloud_eci20180808 import models
from alibabacloud_eci20180808.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from Tea.exceptions import TeaException

from conftest import ROOT, free_port
from test_docs import blocks

IMAGE = os.environ.get("ECI_EMULATOR_IMAGE", "eci-emulator:latest")
# The image's health check runs every 5 s; Docker 20.10 runs the first one an interval after start.
HEALTH_INTERVAL_SECONDS = 5


def engine_answers():
    if "DOCKER_HOST" not in os.environ or shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "version"], capture_output=True).returncode == 0


if not engine_answers():
    if os.environ.get("ECI_REQUIRE_DOCKER"):
        raise RuntimeError("ECI_REQUIRE_DOCKER is set but no Docker engine answers at DOCKER_HOST")
    pytest.skip("no Docker engine (scripts/test starts one)", allow_module_level=True)


def docker(*args, check=True, timeout=60):
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)}: {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


class Container:
    """One `docker run -d` of the image, removed (with its anonymous volumes) when the test ends."""

    def __init__(self, *run_args, env=None):
        env_args = [arg for key, value in (env or {}).items() for arg in ("-e", f"{key}={value}")]
        self.started = time.monotonic()
        self.id = docker("run", "-d", "-p", "127.0.0.1::8080", *env_args, *run_args, IMAGE)
        port = docker("port", self.id, "8080/tcp").splitlines()[0].rsplit(":", 1)[1]
        self.endpoint = f"127.0.0.1:{port}"

    def wait_answering(self, seconds=10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{self.endpoint}/_emulator/health", timeout=2) as r:
                    return json.loads(r.read())
            except OSError:
                time.sleep(0.02)
        raise AssertionError(f"no answer from {self.endpoint}:\n{docker('logs', self.id, check=False)}")

    def wait_healthy(self, seconds=3 * HEALTH_INTERVAL_SECONDS):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status = docker("inspect", "-f", "{{.State.Health.Status}}", self.id)
            if status == "healthy":
                return time.monotonic() - self.started
            time.sleep(0.1)
        raise AssertionError(f"not healthy in {seconds} s: {status}")

    def state(self, field):
        return docker("inspect", "-f", "{{.State." + field + "}}", self.id)

    def remove(self):
        docker("rm", "-f", "-v", self.id, check=False)


@pytest.fixture
def container_of():
    started = []

    def start(*run_args, env=None):
        container = Container(*run_args, env=env)
        started.append(container)
        container.wait_answering()
        return container

    yield start
    for container in started:
        container.remove()


def eci_client(endpoint, ak="LTAI5tContainer", secret="anything"):
    return Client(
        open_api_models.Config(
            access_key_id=ak,
            access_key_secret=secret,
            endpoint=endpoint,
            protocol="http",
            region_id="cn-hangzhou",
        )
    )


def create_group(client, name):
    return client.create_container_group(
        models.CreateContainerGroupRequest(
            region_id="cn-hangzhou",
            container_group_name=name,
            container=[models.CreateContainerGroupRequestContainer(name="web", image="nginx:1.25")],
        )
    ).body.container_group_id


def group_names(client):
    groups = client.describe_container_groups(
        models.DescribeContainerGroupsRequest(region_id="cn-hangzhou", limit=100)
    ).body.container_groups
    return sorted(group.container_group_name for group in groups)


def test_docker_run_is_healthy_within_one_health_interval_and_serves_the_sdk(container_of):
    container = container_of()
    seconds = container.wait_healthy()
    print(f"docker run to healthy: {seconds:.2f} s")
    # The first check runs one interval after the start; a missed one would show as two intervals.
    assert seconds < 2 * HEALTH_INTERVAL_SECONDS
    client = eci_client(container.endpoint)
    group_id = create_group(client, "in-a-container")
    described = client.describe_container_groups(
        models.DescribeContainerGroupsRequest(region_id="cn-hangzhou", container_group_ids=json.dumps([group_id]))
    ).body.container_groups
    assert [(g.container_group_id, g.container_group_name) for g in described] == [(group_id, "in-a-container")]


def test_credentials_in_the_environment_have_signatures_verified(container_of):
    container = container_of(env={"ECI_EMULATOR_CREDENTIALS": "LTAI5tImage:image-secret"})
    assert container.wait_answering()["signatures"] == "verified"
    assert create_group(eci_client(container.endpoint, "LTAI5tImage", "image-secret"), "signed")
    with pytest.raises(TeaException) as refused:
        create_group(eci_client(container.endpoint, "LTAI5tImage", "wrong-secret"), "forged")
    assert refused.value.code == "SignatureDoesNotMatch"
    with pytest.raises(TeaException) as unknown:
        create_group(eci_client(container.endpoint, "LTAI5tOther", "image-secret"), "stranger")
    assert unknown.value.code == "InvalidAccessKeyId.NotFound"


def test_docker_stop_ends_it_at_once_with_exit_code_0(container_of):
    container = container_of()
    create_group(eci_client(container.endpoint), "before-stop")
    started = time.monotonic()
    docker("stop", container.id)
    seconds = time.monotonic() - started
    print(f"docker stop: {seconds:.2f} s")
    # 137 would be Docker's SIGKILL after its 10 s grace: the signal was not heard.
    assert (container.state("Status"), container.state("ExitCode")) == ("exited", "0")
    assert seconds < 5


def test_a_read_only_root_file_system_is_enough(container_of):
    container = container_of("--read-only")
    client = eci_client(container.endpoint)
    create_group(client, "read-only")
    assert group_names(client) == ["read-only"]
    assert container.wait_healthy()


def test_a_named_volume_keeps_every_acknowledged_group_across_docker_kill(container_of, busybox_image):
    volume = f"eci-state-{uuid.uuid4().hex[:8]}"
    state = {"ECI_EMULATOR_STATE_DIR": "/data"}
    try:
        first = container_of("-v", f"{volume}:/data", env=state)
        client = eci_client(first.endpoint)
        names = sorted(f"kept-{i:02}" for i in range(20))
        for name in names:
            create_group(client, name)
        docker("kill", first.id)
        assert first.state("ExitCode") == "137"
        second = container_of("-v", f"{volume}:/data", env=state)
        assert group_names(eci_client(second.endpoint)) == names
        # A new named volume takes the owner of the image's /data: its user, who owns the store.
        owners = docker("run", "--rm", "-v", f"{volume}:/data", busybox_image, "/bin/busybox", "stat", "-c", "%n %u:%g", "/data", "/data/state.redb")
        assert owners.splitlines() == ["/data 65534:65534", "/data/state.redb 65534:65534"]
        assert docker("image", "inspect", "-f", "{{json .Config.Volumes}}", IMAGE) == '{"/data":{}}'
    finally:
        for container_id in docker("ps", "-aq", "--filter", f"volume={volume}", check=False).split():
            docker("rm", "-f", container_id, check=False)
        docker("volume", "rm", "-f", volume, check=False)


def test_the_image_is_small():
    size = int(docker("image", "inspect", "-f", "{{.Size}}", IMAGE))
    print(f"image size: {size / 1e6:.1f} MB")
    assert size <= 15_000_000
    layers = json.loads(docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", IMAGE))
    assert len(layers) == 1


def side_api_status(endpoint, path, host=None, method="GET"):
    headers = {"Host": host} if host else {}
    request = urllib.request.Request(f"http://{endpoint}{path}", method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_the_side_api_answers_a_service_name_and_refuses_a_rebound_domain(container_of):
    container = container_of()
    assert side_api_status(container.endpoint, "/_emulator/calls", host="eci:8080") == 200
    assert side_api_status(container.endpoint, "/_emulator/calls", host="rebind.example.com:8080") == 403
    assert side_api_status(container.endpoint, "/_emulator/reset", host="eci:8080", method="POST") == 200


# What the test service of docker-compose.yml does, with the tools a static busybox has: the side
# API and the API by the emulator's service name, and a dotted foreign Host refused.
COMPOSE_RUNNER = r"""
set -e
bb=/bin/busybox
fetch() { $bb wget -q -O - "$@"; }
echo "health: $(fetch http://eci:8080/_emulator/health)"
echo "reset: $(fetch --header 'Content-Type: application/json' --post-data '{}' http://eci:8080/_emulator/reset)"
echo "fault: $(fetch --header 'Content-Type: application/json' \
  --post-data '{"action":"CreateContainerGroup","code":"Throttling"}' http://eci:8080/_emulator/faults)"
if refused=$(fetch --header 'Host: rebind.example.com:8080' http://eci:8080/_emulator/calls 2>&1 >/dev/null); then
  echo "rebinding: answered"; exit 1
fi
echo "rebinding: $refused"
echo "api: $(fetch 'http://eci:8080/?Action=DescribeRegions&Version=2018-08-08&RegionId=cn-hangzhou' 2>&1 || true)"
"""


@pytest.fixture(scope="module")
def busybox_image():
    """A test-runner image made from Debian's static busybox (no base image can be pulled here)."""
    context = Path(tempfile.mkdtemp(prefix="eci-busybox-"))
    try:
        shutil.copy("/bin/busybox", context / "busybox")
        (context / "Dockerfile").write_text('FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox", "sh"]\n')
        docker("build", "-q", "-t", "eci-compose-runner:local", str(context), timeout=120)
    finally:
        shutil.rmtree(context, ignore_errors=True)
    return "eci-compose-runner:local"


def test_the_compose_file_runs_and_its_test_service_reaches_the_emulator_by_name(busybox_image, tmp_path):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    emulator = compose["services"]["eci"]
    # As written, apart from what this machine cannot do: the image is the one loaded (not built,
    # since its build stage's base cannot be pulled), the host port is any free one, and the test
    # service runs busybox instead of python:3.11-slim.
    emulator.pop("build")
    emulator["image"] = IMAGE
    emulator["ports"] = ["127.0.0.1::8080"]
    runner = compose["services"]["tests"]
    # `$$` is Compose's escape for a `$` it should not interpolate.
    runner.update(image=busybox_image, command=["/bin/busybox", "sh", "-c", COMPOSE_RUNNER.replace("$", "$$")])
    runner.pop("volumes", None)
    assert runner["depends_on"] == {"eci": {"condition": "service_healthy"}}
    file = tmp_path / "docker-compose.yml"
    file.write_text(yaml.safe_dump(compose))
    project = ["docker-compose", "-p", f"eci{uuid.uuid4().hex[:8]}", "-f", str(file), "--project-directory", str(ROOT)]
    try:
        up = subprocess.run(
            [*project, "up", "--no-build", "--exit-code-from", "tests"], capture_output=True, text=True, timeout=120
        )
        logs = subprocess.run([*project, "logs", "--no-color", "tests"], capture_output=True, text=True).stdout
    finally:
        subprocess.run([*project, "down", "-v", "--timeout", "5"], capture_output=True, timeout=120)
    print(logs)
    assert up.returncode == 0, up.stdout + up.stderr + logs
    assert '"status":"ok"' in logs and '"signatures":"verified"' in logs, logs
    assert 'reset: {"reset":true}' in logs, logs
    assert '"id"' in logs.split("fault:")[1], logs
    assert "rebinding: " in logs and "403" in logs.split("rebinding:")[1], logs
    # Unsigned while the file has signatures verified: the API itself answers, and refuses it.
    assert "HTTP/1.1 400" in logs.split("api:")[1], logs


def test_the_container_pages_engine_blocks_run_in_order():
    """docs/container.md's `engine` blocks, verbatim but for the host port (any free one)."""
    engine_blocks = [(body, line) for lang, marks, body, line in blocks(ROOT / "docs" / "container.md") if marks == "engine"]
    assert len(engine_blocks) >= 3
    port = free_port()
    try:
        for body, line in engine_blocks:
            body = body.replace("127.0.0.1:8080:8080", f"127.0.0.1:{port}:8080").replace("localhost:8080", f"127.0.0.1:{port}")
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", body], capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, f"container.md:{line} failed:\n{done.stdout}\n{done.stderr}"
    finally:
        docker("rm", "-f", "eci", check=False)
        docker("volume", "rm", "-f", "eci-state", check=False)
