"""pytest fixtures: `eci_emulator` (one emulator for the session) and `eci_client` (an official SDK
client for it, on an emptied emulator with an empty request journal, per test); `--eci-coverage=PATH`
writes the session's coverage report (JSON, or HTML for a `.html` path) and prints its summary."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any, Iterator

import pytest

from . import Emulator


def pytest_addoption(parser: pytest.Parser) -> None:
    help_text = "extra flags for the eci-emulator the eci_emulator fixture starts"
    parser.addoption("--eci-emulator-args", action="store", default=None, help=help_text)
    parser.addini("eci_emulator_args", help=help_text, default="")
    parser.addoption(
        "--eci-coverage",
        action="store",
        default=None,
        metavar="PATH",
        help="write the emulator's call-coverage report for the session to PATH (HTML if it ends in .html)",
    )


_SUMMARY = pytest.StashKey[str]()


def _write_coverage(config: pytest.Config, emulator: Emulator, path: str) -> None:
    report = emulator.coverage()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix == ".html":
        target.write_text(emulator.coverage_html(), encoding="utf-8")
    else:
        target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    config.stash[_SUMMARY] = f"eci-emulator coverage: {report['summary']['line']} (written to {target})"


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    line = config.stash.get(_SUMMARY, None)
    if line:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def eci_emulator(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """The emulator, started on a free port for the whole session."""
    flags = pytestconfig.getoption("--eci-emulator-args") or pytestconfig.getini("eci_emulator_args") or ""
    with Emulator(shlex.split(str(flags))) as emulator:
        yield emulator
        coverage_path = pytestconfig.getoption("--eci-coverage")
        if coverage_path:
            _write_coverage(pytestconfig, emulator, str(coverage_path))


@pytest.fixture
def eci_client(eci_emulator: Emulator) -> Any:
    """An `alibabacloud_eci20180808` client for the emulator, whose state and request journal are
    emptied first (the coverage goes on counting across tests)."""
    try:
        from alibabacloud_eci20180808.client import Client
        from alibabacloud_tea_openapi import models as open_api_models
    except ImportError as missing:  # pragma: no cover - depends on the environment
        raise pytest.UsageError(
            "eci_client needs the official SDK: pip install 'eci-emulator[client]'"
        ) from missing
    eci_emulator.reset()
    eci_emulator.clear_calls()
    config = open_api_models.Config(
        access_key_id="LTAI5tEmulator",
        access_key_secret="emulator",
        endpoint=eci_emulator.endpoint,
        protocol="http",
        region_id="cn-hangzhou",
    )
    return Client(config)


@pytest.fixture
def eci_world(eci_emulator: Emulator) -> Iterator[Any]:
    """`eci_world(capacity=[...], spot_market={...})` declares zone capacity and the spot market for
    one test in one call (see `Emulator.set_world`); both are declared empty again after it."""
    yield eci_emulator.set_world
    eci_emulator.set_world(capacity=[], spot_market={})
