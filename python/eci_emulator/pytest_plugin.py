"""pytest fixtures: `eci_emulator` (one emulator for the session) and `eci_client` (an official SDK
client for it, on an emptied emulator, per test)."""

from __future__ import annotations

import shlex
from typing import Any, Iterator

import pytest

from . import Emulator


def pytest_addoption(parser: pytest.Parser) -> None:
    help_text = "extra flags for the eci-emulator the eci_emulator fixture starts"
    parser.addoption("--eci-emulator-args", action="store", default=None, help=help_text)
    parser.addini("eci_emulator_args", help=help_text, default="")


@pytest.fixture(scope="session")
def eci_emulator(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """The emulator, started on a free port for the whole session."""
    flags = pytestconfig.getoption("--eci-emulator-args") or pytestconfig.getini("eci_emulator_args") or ""
    with Emulator(shlex.split(str(flags))) as emulator:
        yield emulator


@pytest.fixture
def eci_client(eci_emulator: Emulator) -> Any:
    """An `alibabacloud_eci20180808` client for the emulator, which is reset first."""
    try:
        from alibabacloud_eci20180808.client import Client
        from alibabacloud_tea_openapi import models as open_api_models
    except ImportError as missing:  # pragma: no cover - depends on the environment
        raise pytest.UsageError(
            "eci_client needs the official SDK: pip install 'eci-emulator[client]'"
        ) from missing
    eci_emulator.reset()
    config = open_api_models.Config(
        access_key_id="LTAI5tEmulator",
        access_key_secret="emulator",
        endpoint=eci_emulator.endpoint,
        protocol="http",
        region_id="cn-hangzhou",
    )
    return Client(config)
