"""The container image archive (scripts/image-archive.py, which scripts/image runs on the static
binary): Docker's format, with the Dockerfile's settings and the health check, which podman keeps
(an OCI config has no health check, so podman dropped it)."""

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile

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
        assert layer.getnames() == ["eci-emulator"]
    assert manifest[0]["RepoTags"] == ["eci-emulator:latest"]
    assert config["Healthcheck"]["Test"] == ["CMD", "/eci-emulator", "--probe"]
    assert (config["User"], config["Entrypoint"], config["Env"]) == (
        "65534:65534",
        ["/eci-emulator"],
        ["ECI_EMULATOR_LISTEN=0.0.0.0:8080"],
    )


@pytest.mark.skipif(shutil.which("podman") is None, reason="podman is not installed")
def test_podman_sees_the_health_check(archive):
    # podman wants a short run root; both go away with the directory.
    scratch = tempfile.mkdtemp(prefix="eci-podman-", dir="/tmp")
    storage = ["--root", f"{scratch}/root", "--runroot", f"{scratch}/run", "--storage-driver", "vfs"]
    subprocess.run(["podman", *storage, "load", "-i", str(archive)], check=True, capture_output=True)
    shown = subprocess.run(
        ["podman", *storage, "image", "inspect", "eci-emulator:latest", "--format", "{{.HealthCheck}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    shutil.rmtree(scratch, ignore_errors=True)
    assert "/eci-emulator --probe" in shown, shown
