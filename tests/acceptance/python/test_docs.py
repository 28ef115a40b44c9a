"""Runs the commands the README and docs/ show, so they cannot drift from the product.

Every `sh` or `python` fenced block is marked `runnable`, `engine` or `not-run: <why>`. The runnable
blocks of one document run in order against a fresh emulator (`localhost:8080` in them is replaced by
its address), in a temporary working directory; each must exit 0. The `engine` blocks run the image
under a Docker engine: test_container_engine.py runs them.
"""

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from conftest import BINARY, ROOT, free_port

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "python" / "README.md"]
FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```", re.S | re.M)
COMMANDS = {"sh", "python"}


def blocks(path):
    """(language, marks, body, line) of every fenced block of a document."""
    text = path.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        yield match.group(1), match.group(2).strip(), match.group(3), line


def runnable(path):
    return [(lang, body, line) for lang, marks, body, line in blocks(path) if marks.startswith("runnable")]


def test_every_command_block_is_run_or_says_why_not():
    unmarked = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in DOCUMENTS
        for lang, marks, _, line in blocks(path)
        if lang in COMMANDS and not (marks.startswith(("runnable", "not-run:")) or marks == "engine")
    ]
    assert unmarked == [], "mark these blocks `runnable`, `engine` or `not-run: <why>`"
    assert sum(len(runnable(path)) for path in DOCUMENTS) >= 8


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if runnable(p)], ids=lambda p: p.name)
def test_runnable_blocks_run_against_a_live_emulator(path, tmp_path):
    port = free_port()
    address = f"127.0.0.1:{port}"
    process = subprocess.Popen([BINARY, "--listen", address], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(address)
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        for lang, body, line in runnable(path):
            body = body.replace("localhost:8080", address).replace("127.0.0.1:8080", address)
            command = ["bash", "-euo", "pipefail", "-c", body] if lang == "sh" else [sys.executable, "-c", body]
            done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, f"{path.name}:{line} failed:\n{done.stdout}\n{done.stderr}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_healthy(address, seconds=10):
    for _ in range(seconds * 50):
        try:
            with urllib.request.urlopen(f"http://{address}/_emulator/health", timeout=1):
                return
        except OSError:
            subprocess.run(["sleep", "0.02"], check=False)
    raise RuntimeError("the emulator did not become healthy")


def test_the_readmes_run_command_serves():
    """README's `cargo run --release`, verbatim, with the listen address added."""
    command = next(body.strip() for lang, _, body, _ in blocks(ROOT / "README.md") if lang == "sh")
    assert command == "cargo run --release"
    address = f"127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [*command.split(), "--quiet", "--", "--listen", address],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(address, seconds=120)
    finally:
        process.terminate()
        process.wait(timeout=30)
