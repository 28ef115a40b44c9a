"""`/metrics` read with the Prometheus project's own OpenMetrics parser while the official SDK works."""

import urllib.request

import pytest
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from test_faults_sdk import create
from test_tea_sdk import client


def scrape(emulator):
    with urllib.request.urlopen(f"http://{emulator.endpoint}/metrics", timeout=5) as reply:
        assert reply.headers["Content-Type"].startswith("application/openmetrics-text")
        return {family.name: family for family in text_string_to_metric_families(reply.read().decode())}


def value(families, name, sample_name, **labels):
    """The sum of the samples of `sample_name` whose labels include `labels`."""
    family = families.get(name)
    if family is None:
        return 0.0
    return sum(
        s.value
        for s in family.samples
        if s.name == sample_name and all(s.labels.get(k) == v for k, v in labels.items())
    )


CREATED = ("eci_calls", "eci_calls_total", {"action": "CreateContainerGroup", "code": "", "status": "200"})
REFUSED = ("eci_calls", "eci_calls_total", {"action": "CreateContainerGroup", "code": "OperationDenied.NoStock", "status": "403"})
FIRED = ("eci_faults_injected", "eci_faults_injected_total", {"effect": "error"})
TIMED = ("eci_call_duration_seconds", "eci_call_duration_seconds_count", {"action": "CreateContainerGroup"})


def test_counters_and_gauges_move_with_sdk_calls_and_faults(emulator):
    c = client(emulator)
    before = scrape(emulator)
    create(c, name="metered")
    emulator.add_fault({"action": "CreateContainerGroup", "code": "OperationDenied.NoStock", "times": 1})
    with pytest.raises(AlibabaCloudException):
        create(c, name="refused")
    after = scrape(emulator)

    def moved(metric):
        name, sample, labels = metric
        return value(after, name, sample, **labels) - value(before, name, sample, **labels)

    assert (moved(CREATED), moved(REFUSED), moved(FIRED), moved(TIMED)) == (1, 1, 1, 2)
    groups = value(after, "eci_container_groups", "eci_container_groups", region="cn-hangzhou")
    assert groups >= 1
    assert value(after, "eci_vswitch_addresses_in_use", "eci_vswitch_addresses_in_use") == groups
