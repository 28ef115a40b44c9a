"""Starts the real eci-emulator binary for the acceptance tests and hands out SDK clients."""

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BINARY = os.environ.get("ECI_EMULATOR_BIN", str(ROOT / "target" / "release" / "eci-emulator"))

# A value with every character class the clients encode differently.
WEIRD = "a b+c*d~e/f?g=h&i%j 中文 ü '\"!()"

STRICT_KEY = ("LTAI5tAcceptance", "Acc/Secret+=42")
STRICT_ACCOUNT = "acct-acceptance"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """The binary on a free port. Groups are `Running` at once unless `--lifecycle` is given: most
    tests are about other things than progression."""

    def __init__(self, *args):
        if "--lifecycle" not in args:
            args = ("--lifecycle", "immediate", *args)
        self.port = free_port()
        self.endpoint = f"127.0.0.1:{self.port}"
        env = {**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")}
        self.process = subprocess.Popen(
            [BINARY, "--listen", self.endpoint, *args],
            stdout=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                self.get("/_emulator/health")
                return
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("the emulator did not become healthy")

    def get(self, path):
        with urllib.request.urlopen(f"http://{self.endpoint}{path}", timeout=5) as r:
            return json.loads(r.read())

    def call(self, method, path, document=None):
        """A side-API call with an optional JSON body; answers (status, parsed JSON body)."""
        data = None if document is None else json.dumps(document).encode()
        headers = {} if data is None else {"Content-Type": "application/json"}
        req = urllib.request.Request(f"http://{self.endpoint}{path}", data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def add_fault(self, rule):
        status, body = self.call("POST", "/_emulator/faults", rule)
        assert status == 201, body
        return body["id"]

    def post_fixtures(self, document):
        data = json.dumps(document).encode()
        req = urllib.request.Request(
            f"http://{self.endpoint}/_emulator/fixtures",
            data=data,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def reset(self):
        req = urllib.request.Request(f"http://{self.endpoint}/_emulator/reset", method="POST")
        urllib.request.urlopen(req, timeout=5).read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def open_emulator():
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def strict_emulator():
    ak, secret = STRICT_KEY
    emu = Emulator("--credentials", f"{ak}:{secret}:{STRICT_ACCOUNT}")
    yield emu
    emu.stop()


@pytest.fixture
def emulator(open_emulator):
    open_emulator.reset()
    return open_emulator
