"""The container image archive (scripts/image-archive.py, which scripts/image runs on the static
binary): Docker's format, with the Dockerfile's settings, the health check and the state volume.
test_container_engine.py runs the image under a real Docker engine."""

import json
import shutil
import subprocess
import sys
import tarfile

import pytest

from conftest import BINARY, ROOT


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    out = tmp_path_factory.mktemp("image")
    (out / "root").mkdir()
    shutil.copy(BINARY, out / "root" / "eci-emulator")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "image-archive.py"), str(out)], check=True, capture_output=True)
    return out / "eci-emulator.tar"


def test_the_archive_carries_the_dockerfile_settings(archive):
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        config = json.load(tar.extractfile(manifest[0]["Config"]))["config"]
        layer = tarfile.open(fileobj=tar.extractfile(manifest[0]["Layers"][0]))
        assert layer.getnames() == ["data", "eci-emulator"]
        data = layer.getmember("data")
        assert (data.isdir(), data.uid, data.gid, data.mode) == (True, 65534, 65534, 0o755)
    assert manifest[0]["RepoTags"] == ["eci-emulator:latest"]
    assert config["Healthcheck"]["Test"] == ["CMD", "/eci-emulator", "--probe"]
    assert (config["User"], config["Entrypoint"], config["Env"]) == (
        "65534:65534",
        ["/eci-emulator"],
        ["ECI_EMULATOR_LISTEN=0.0.0.0:8080"],
    )
    assert config["Volumes"] == {"/data": {}}


def test_the_dockerfile_declares_what_the_archive_carries(archive):
    """The Dockerfile builds in a Rust image that cannot be pulled here; its final stage is held to
    the archive that the engine tests run."""
    final_stage = (ROOT / "Dockerfile").read_text().split("\nFROM scratch\n")[1]
    directives = dict(line.split(" ", 1) for line in final_stage.splitlines() if line and not line.startswith("COPY"))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        config = json.load(tar.extractfile(manifest[0]["Config"]))["config"]
    assert directives["ENV"].replace(" ", "=", 1) in config["Env"] or directives["ENV"] in config["Env"]
    assert json.loads(directives["ENTRYPOINT"]) == config["Entrypoint"]
    assert directives["USER"] == config["User"]
    assert {f"{directives['EXPOSE']}/tcp": {}} == config["ExposedPorts"]
    assert {directives["VOLUME"]: {}} == config["Volumes"]
    healthcheck = directives["HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["/eci-emulator", "--probe"]')
    assert "--interval=5s --timeout=3s --start-period=1s --retries=3" in healthcheck
    assert config["Healthcheck"]["Interval"] == 5_000_000_000
    assert "--chown=65534:65534 /data /data" in final_stage
