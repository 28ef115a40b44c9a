#!/usr/bin/env python3
"""Writes the container image of scripts/image as a Docker image archive: OUT/root/eci-emulator, alone
on an empty base, with the Dockerfile's settings and health check, and the state volume /data owned by
the image's user (a named volume mounted there starts with that owner). Usage: image-archive.py OUT"""

import gzip, hashlib, io, json, os, sys, tarfile, time

out = sys.argv[1]
USER_ID = 65534
layer_tar = io.BytesIO()
with tarfile.open(fileobj=layer_tar, mode="w", format=tarfile.PAX_FORMAT) as tar:
    data = tarfile.TarInfo("data")
    data.type, data.mode, data.mtime = tarfile.DIRTYPE, 0o755, 0
    data.uid = data.gid = USER_ID
    tar.addfile(data)
    info = tar.gettarinfo(os.path.join(out, "root", "eci-emulator"), arcname="eci-emulator")
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    info.mode = 0o755
    with open(os.path.join(out, "root", "eci-emulator"), "rb") as f:
        tar.addfile(info, f)
uncompressed = layer_tar.getvalue()
compressed = gzip.compress(uncompressed, mtime=0)
config = {
    "architecture": "amd64",
    "os": "linux",
    "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(0)),
    "config": {
        "Env": ["ECI_EMULATOR_LISTEN=0.0.0.0:8080"],
        "ExposedPorts": {"8080/tcp": {}},
        "Volumes": {"/data": {}},
        "User": "65534:65534",
        "Entrypoint": ["/eci-emulator"],
        "Healthcheck": {"Test": ["CMD", "/eci-emulator", "--probe"], "Interval": 5_000_000_000,
                        "Timeout": 3_000_000_000, "StartPeriod": 1_000_000_000, "Retries": 3},
    },
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(uncompressed).hexdigest()]},
    "history": [{"created_by": "COPY eci-emulator /eci-emulator"}],
}
config_bytes = json.dumps(config, separators=(",", ":")).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
layer_name = hashlib.sha256(uncompressed).hexdigest() + "/layer.tar"
manifest = [{"Config": config_name, "RepoTags": ["eci-emulator:latest"], "Layers": [layer_name]}]

def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    tar.addfile(info, io.BytesIO(data))

with tarfile.open(os.path.join(out, "eci-emulator.tar"), "w") as tar:
    add(tar, config_name, config_bytes)
    add(tar, layer_name, uncompressed)
    add(tar, "manifest.json", json.dumps(manifest).encode())
print(f"image: {len(uncompressed) / 1e6:.1f} MB unpacked, {len(compressed) / 1e6:.1f} MB compressed layer")
