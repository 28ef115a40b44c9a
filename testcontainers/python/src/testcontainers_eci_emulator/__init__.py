"""The eci-emulator container for testcontainers-python: starts the image, waits on its health
route, and hands the official SDKs an endpoint, a region and a key pair, plus the side-API calls a
test needs (reset, faults, the clock, the request journal)."""

from __future__ import annotations

import json
import pathlib
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, Union
from urllib.parse import urlencode

from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import HttpWaitStrategy

__all__ = ["EciEmulatorContainer", "SideApiError"]

DEFAULT_IMAGE = "eci-emulator:latest"
PORT = 8080
# Where the image keeps state when ECI_EMULATOR_STATE_DIR names it; owned by the image's user.
STATE_DIR = "/data"
# Files copied in go to the root, the one folder a scratch image is sure to have.
FIXTURES_FILE = "/eci-fixtures.json"
FAULTS_FILE = "/eci-faults.json"
# Accepted unchecked unless with_credentials is given: the emulator then takes any key pair.
DEFAULT_ACCESS_KEY_ID = "LTAI5tTestcontainers"
DEFAULT_ACCESS_KEY_SECRET = "testcontainers-secret"


class SideApiError(RuntimeError):
    """A side-API call the emulator refused: its status and the error it gave."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"side API answered {status}: {body}")
        self.status = status
        self.body = body


class EciEmulatorContainer(DockerContainer):
    """eci-emulator in a container.

    Example::

        with EciEmulatorContainer("eci-emulator:latest").with_lifecycle("immediate") as emulator:
            config = open_api_models.Config(
                access_key_id=emulator.access_key_id,
                access_key_secret=emulator.access_key_secret,
                endpoint=emulator.endpoint,
                protocol="http",
                region_id=emulator.region,
            )
            client = Client(config)
    """

    def __init__(self, image: str = DEFAULT_IMAGE, region: str = "cn-hangzhou", **kwargs: Any) -> None:
        super().__init__(image, **kwargs)
        self.region = region
        self.access_key_id = DEFAULT_ACCESS_KEY_ID
        self.access_key_secret = DEFAULT_ACCESS_KEY_SECRET
        self.with_exposed_ports(PORT)
        self.waiting_for(HttpWaitStrategy(PORT, "/_emulator/health").for_status_code(200))

    def with_credentials(self, access_key_id: str, access_key_secret: str) -> "EciEmulatorContainer":
        """Has signatures verified for this key pair (any other is refused), and hands it out."""
        self.access_key_id, self.access_key_secret = access_key_id, access_key_secret
        return self.with_env("ECI_EMULATOR_CREDENTIALS", f"{access_key_id}:{access_key_secret}")

    def with_lifecycle(self, policy: str) -> "EciEmulatorContainer":
        """How groups move through their statuses: `time` (the default), `immediate` or `manual`."""
        return self.with_env("ECI_EMULATOR_LIFECYCLE", policy)

    def with_seed(self, seed: int) -> "EciEmulatorContainer":
        """Makes ids, addresses and injected randomness the same on every run."""
        return self.with_env("ECI_EMULATOR_SEED", str(seed))

    def with_fixtures(self, document: Union[str, pathlib.Path, Dict[str, Any]]) -> "EciEmulatorContainer":
        """Starts with a fixture document (a file, or the document itself) applied."""
        self.with_copy_into_container(_content(document), FIXTURES_FILE)
        return self.with_env("ECI_EMULATOR_FIXTURES", FIXTURES_FILE)

    def with_faults(self, document: Union[str, pathlib.Path, Dict[str, Any]]) -> "EciEmulatorContainer":
        """Starts with the fault rules of a faults file (a file, or the document itself)."""
        self.with_copy_into_container(_content(document), FAULTS_FILE)
        return self.with_env("ECI_EMULATOR_FAULTS", FAULTS_FILE)

    def with_state_volume(self, volume: str) -> "EciEmulatorContainer":
        """Keeps state in the named Docker volume: a later container on it finds every group."""
        self.with_volume_mapping(volume, STATE_DIR, "rw")
        return self.with_env("ECI_EMULATOR_STATE_DIR", STATE_DIR)

    @property
    def endpoint(self) -> str:
        """`host:port`, as the SDKs' `endpoint` setting takes it (with `protocol="http"`)."""
        return f"{self.get_container_host_ip()}:{self.get_exposed_port(PORT)}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def reset(self) -> None:
        """Drops every resource; the start fixtures and fault files apply again."""
        self._call("POST", "/_emulator/reset", {})

    def add_fault(self, rule: Dict[str, Any]) -> str:
        """Adds a fault rule (`{"action": ..., "code": ...}`) and answers its id."""
        return str(self._call("POST", "/_emulator/faults", rule)["id"])

    def advance_clock(self, seconds: float) -> Dict[str, Any]:
        """Moves the emulator's clock forward; what falls due meanwhile happens, each at its time."""
        return dict(self._call("POST", "/_emulator/clock", {"advanceSeconds": seconds}))

    def calls(self, action: Optional[str] = None, **filters: Any) -> List[Dict[str, Any]]:
        """The journaled calls, oldest first, filtered by action, product, account, region or code."""
        query = urlencode({k: v for k, v in {"action": action, **filters}.items() if v is not None})
        return list(self._call("GET", "/_emulator/calls" + (f"?{query}" if query else ""))["calls"])

    def clear_calls(self) -> None:
        """Empties the request journal (reset leaves it)."""
        self._call("DELETE", "/_emulator/calls")

    def _call(self, method: str, path: str, document: Optional[Dict[str, Any]] = None) -> Any:
        data = None if document is None else json.dumps(document).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            raise SideApiError(refused.code, refused.read().decode(errors="replace")) from None


def _content(document: Union[str, pathlib.Path, Dict[str, Any]]) -> bytes:
    if isinstance(document, dict):
        return json.dumps(document).encode()
    return pathlib.Path(document).read_bytes()
