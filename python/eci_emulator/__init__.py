"""Runs the packaged eci-emulator binary and talks to its side API (`/_emulator`)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlencode

__all__ = ["Emulator", "EmulatorError", "find_binary"]

# How many near misses `assert_called` shows when no call matches.
NEAR_MISSES = 3

BINARY = "eci-emulator" + (".exe" if sys.platform == "win32" else "")


class EmulatorError(RuntimeError):
    """The emulator could not be started, or its side API refused a call."""


def find_binary() -> str:
    """The eci-emulator binary: `ECI_EMULATOR_BIN` if set, else the one this package installed."""
    configured = os.environ.get("ECI_EMULATOR_BIN")
    if configured:
        return configured
    schemes = [sysconfig.get_default_scheme()]
    user = sysconfig.get_preferred_scheme("user") if hasattr(sysconfig, "get_preferred_scheme") else None
    if user and user not in schemes:
        schemes.append(user)
    for scheme in schemes:
        candidate = Path(sysconfig.get_path("scripts", scheme=scheme)) / BINARY
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(BINARY)
    if found:
        return found
    raise EmulatorError(f"{BINARY} was not found: install the eci-emulator wheel or set ECI_EMULATOR_BIN")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Emulator:
    """One emulator process on a free loopback port, from `start()` (or `with`) to `stop()`."""

    def __init__(
        self,
        args: Sequence[str] = (),
        *,
        binary: Optional[str] = None,
        admin_token: Optional[str] = None,
        start_timeout: float = 30.0,
    ) -> None:
        self.args: List[str] = list(args)
        self.binary = binary or find_binary()
        self.admin_token = admin_token
        self.start_timeout = start_timeout
        self.port = 0
        self._process: Optional[subprocess.Popen[bytes]] = None

    @property
    def endpoint(self) -> str:
        """`127.0.0.1:PORT`, as the SDKs' `endpoint` setting takes it."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def start(self) -> "Emulator":
        """Starts the binary and waits until its health check answers."""
        if self._process is not None:
            return self
        self.port = _free_port()
        command = [self.binary, "--listen", self.endpoint, *self.args]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                stderr = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                self._process = None
                raise EmulatorError(f"eci-emulator exited at start: {stderr.strip()}")
            try:
                self._call("GET", "/_emulator/health")
                return self
            except (OSError, EmulatorError):
                time.sleep(0.02)
        self.stop()
        raise EmulatorError(f"eci-emulator did not become healthy within {self.start_timeout} s")

    def stop(self) -> None:
        """Stops the process (SIGTERM, then SIGKILL after 10 s)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def reset(self) -> None:
        """Drops every resource; the start fixtures, rules and limits apply again."""
        self._call("POST", "/_emulator/reset", b"{}")

    def add_fault(self, rule: Dict[str, Any]) -> str:
        """Adds a fault rule (see the project's docs/faults.md) and answers its id."""
        return str(self._call("POST", "/_emulator/faults", json.dumps(rule).encode())["id"])

    def clear_faults(self) -> None:
        self._call("DELETE", "/_emulator/faults")

    def apply_fixtures(self, document: Dict[str, Any]) -> None:
        """Merges a fixture document (networks, EIPs, disks, accounts) into the running state."""
        self._call("POST", "/_emulator/fixtures", json.dumps(document).encode())

    def set_world(
        self,
        capacity: Optional[List[Dict[str, Any]]] = None,
        spot_market: Optional[Dict[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Declares zone capacity and the spot market in one call (see the project's
        docs/capacity.md); what is not given stays as it is. `capacity` replaces every declaration:
        `[{"regionId", "zoneId", "spec": "2-4" | an instance type | "*", "groups"}]`. `spot_market`
        replaces the market: `{"series": [{"regionId", "zoneId", "spec", "prices": [{"at": seconds
        from now or RFC 3339, "price"}]}], "walk": {"seed", "stepMinutes", "volatility"}}`. Answers
        what is in force: `{"capacity": [...], "slots": [...], "spotMarket": {...}}`."""
        if capacity is not None:
            self._call("PUT", "/_emulator/capacity", json.dumps({"capacity": capacity}).encode())
        if spot_market is not None:
            self._call("PUT", "/_emulator/spot-market", json.dumps(spot_market).encode())
        return self.world()

    def world(self) -> Dict[str, Any]:
        """The declared capacity with each slot's use, and the spot market in force."""
        world = dict(self._call("GET", "/_emulator/capacity"))
        world["spotMarket"] = self._call("GET", "/_emulator/spot-market")["spotMarket"]
        return world

    def state(self) -> Dict[str, Any]:
        """Every partition with its groups, the networks and the accounts."""
        return dict(self._call("GET", "/_emulator/state"))

    def snapshot(self) -> bytes:
        """The whole state as a snapshot file."""
        return self._raw("GET", "/_emulator/snapshot")

    def load_snapshot(self, data: bytes) -> None:
        """Replaces the running state with a snapshot file's."""
        self._call("POST", "/_emulator/snapshot", data, content_type="application/x-ndjson")

    def clock(self) -> Dict[str, Any]:
        """The emulator's time: `{"now": RFC 3339, "frozen": bool}`."""
        return dict(self._call("GET", "/_emulator/clock"))

    def advance(self, seconds: float) -> Dict[str, Any]:
        """Moves the clock forward; everything that falls due meanwhile happens, each at its own time."""
        return self._set_clock({"advanceSeconds": seconds})

    def freeze(self, frozen: bool = True) -> Dict[str, Any]:
        """Stops the clock where it is (or, with `False`, lets it run on from there)."""
        return self._set_clock({"freeze": frozen})

    def set_time(self, at: str) -> Dict[str, Any]:
        """Sets the clock to an RFC 3339 time, which must not be before its now."""
        return self._set_clock({"set": at})

    def _set_clock(self, change: Dict[str, Any]) -> Dict[str, Any]:
        return dict(self._call("POST", "/_emulator/clock", json.dumps(change).encode()))

    def calls(
        self,
        action: Optional[str] = None,
        *,
        product: Optional[str] = None,
        account: Optional[str] = None,
        region: Optional[str] = None,
        code: Optional[str] = None,
        since: Optional[str] = None,
        limit: Optional[int] = None,
    ) -> List[Dict[str, Any]]:
        """The journaled calls that match, oldest first; `code="OK"` picks the successes."""
        filters = {
            "action": action,
            "product": product,
            "account": account,
            "region": region,
            "code": code,
            "since": since,
            "limit": limit,
        }
        query = urlencode({k: v for k, v in filters.items() if v is not None})
        return list(self._call("GET", "/_emulator/calls" + (f"?{query}" if query else ""))["calls"])

    def clear_calls(self) -> None:
        """Empties the request journal."""
        self._call("DELETE", "/_emulator/calls")

    def assert_called(self, action: str, *, code: Optional[str] = None, times: Optional[int] = None, **params: Any) -> List[Dict[str, Any]]:
        """The journaled `action` calls whose parameters include `params` (compared as the wire
        carries them: `Cpu=2` matches `"2"`, `True` matches `"true"`), and, with `code`, that answered
        it (`"OK"` for a success). Fails showing the closest calls when none match, or when `times`
        is given and another number did."""
        wanted = {name: _wire_text(value) for name, value in params.items()}
        journaled = self.calls(code=code)
        matching = [c for c in journaled if c["action"] == action and _mismatches(c, wanted) == []]
        if matching and (times is None or len(matching) == times):
            return matching
        asked = ", ".join(f"{k}={v!r}" for k, v in wanted.items()) or "any parameters"
        if matching:
            raise AssertionError(f"{action} with {asked} was called {len(matching)} times, not {times}")
        raise AssertionError(f"no {action} call with {asked}{f' answered {code}' if code else ''}; {_near_misses(journaled, action, wanted)}")

    def coverage(self) -> Dict[str, Any]:
        """The coverage report: every served operation, with calls, codes and parameters seen."""
        return dict(self._call("GET", "/_emulator/coverage"))

    def coverage_html(self) -> str:
        """The coverage report as a page."""
        return self._raw("GET", "/_emulator/coverage?format=html").decode()

    def clear_coverage(self) -> None:
        """Starts the coverage over."""
        self._call("DELETE", "/_emulator/coverage")

    def _call(self, method: str, path: str, body: Optional[bytes] = None, content_type: str = "application/json") -> Any:
        raw = self._raw(method, path, body, content_type)
        return json.loads(raw) if raw else {}

    def _raw(self, method: str, path: str, body: Optional[bytes] = None, content_type: str = "application/json") -> bytes:
        request = urllib.request.Request(self.url + path, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", content_type)
        if self.admin_token:
            request.add_header("Authorization", f"Bearer {self.admin_token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as refused:
            detail = refused.read().decode(errors="replace")
            raise EmulatorError(f"{method} {path}: {refused.code} {detail}") from None


def _wire_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _mismatches(call: Dict[str, Any], wanted: Dict[str, str]) -> List[Tuple[str, Optional[str], str]]:
    """Each wanted parameter the call lacks or sends otherwise: (name, sent or None, wanted)."""
    sent = call.get("params", {})
    return [(name, sent.get(name), value) for name, value in wanted.items() if not _same(sent.get(name), value)]


def _same(sent: Optional[str], wanted: str) -> bool:
    """Equal as text, or as numbers (an SDK sends `Cpu=2.0` for 2)."""
    if sent is None or sent == wanted:
        return sent == wanted
    try:
        return float(sent) == float(wanted)
    except ValueError:
        return False


def _near_misses(journaled: List[Dict[str, Any]], action: str, wanted: Dict[str, str]) -> str:
    """The closest journaled calls: of the same action first, then by fewest differing parameters."""
    if not journaled:
        return "the journal holds no calls"
    ranked = sorted(journaled, key=lambda c: (c["action"] != action, len(_mismatches(c, wanted)), -c["seq"]))
    lines = []
    for call in ranked[:NEAR_MISSES]:
        what = f"#{call['seq']} {call['action']} answered {call['code'] or 'OK'}"
        if call["action"] != action:
            what += f" (not {action})"
        differences = "; ".join(
            f"{name}={sent!r} (wanted {value!r})" if sent is not None else f"{name} not sent (wanted {value!r})"
            for name, sent, value in _mismatches(call, wanted)
        )
        lines.append(f"  {what}: {differences or 'parameters match'}")
    return "the closest calls journaled:\n" + "\n".join(lines)
