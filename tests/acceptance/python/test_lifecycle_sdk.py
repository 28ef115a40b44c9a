"""Groups that move, as the official SDK polls them: like Terraform (wait for Running, stop on a
failure) and like virtual-kubelet (page the pod statuses), under each progression policy."""

import json
import time

import pytest
from alibabacloud_eci20180808 import models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from conftest import Emulator
from test_tea_sdk import REGION, client

TERMINAL = {"Running", "Succeeded", "Failed", "ScheduleFailed", "Expired"}


@pytest.fixture(scope="module")
def timed():
    emu = Emulator("--lifecycle", "time", "--stage-delay-ms", "150", "--stage-jitter-ms", "20", "--seed", "5")
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def manual():
    emu = Emulator("--lifecycle", "manual")
    yield emu
    emu.stop()


def create(c, name, **extra):
    container = models.CreateContainerGroupRequestContainer(name="app", image="nginx:1.25")
    request = models.CreateContainerGroupRequest(region_id=REGION, container_group_name=name, container=[container], **extra)
    return c.create_container_group(request).body.container_group_id


def describe(c, group_id):
    request = models.DescribeContainerGroupsRequest(region_id=REGION, container_group_ids=json.dumps([group_id]))
    return c.describe_container_groups(request).body.container_groups[0]


def wait_like_terraform(c, group_id, timeout=10.0, on_describe=None):
    """Polls until a terminal status, as the Terraform provider's state refresh does; returns every
    status seen, in order, without repeats."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = describe(c, group_id).status
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in TERMINAL:
            return seen
        if on_describe:
            on_describe()
        time.sleep(0.02)
    raise AssertionError(f"no terminal status within {timeout}s: {seen}")


def test_time_policy_shows_the_transitional_statuses_in_order(timed):
    c = client(timed)
    group_id = create(c, "terraform-like")
    seen = wait_like_terraform(c, group_id)
    assert seen == ["Scheduling", "Pending", "Running"], seen
    g = describe(c, group_id)
    assert g.containers[0].current_state.state == "Running"
    assert g.containers[0].ready is True
    events = c.describe_container_group_events(
        models.DescribeContainerGroupEventsRequest(region_id=REGION, container_group_ids=json.dumps([group_id]))
    ).body
    reasons = [e.reason for e in events.data[0].events]
    assert reasons == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]


def test_virtual_kubelet_pages_pod_phases(timed):
    c = client(timed)
    ids = [create(c, f"pod-{i}") for i in range(3)]
    phases = {}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        token, phases = None, {}
        while True:
            body = c.describe_container_group_status(
                models.DescribeContainerGroupStatusRequest(region_id=REGION, limit=2, next_token=token)
            ).body
            phases.update({d.container_group_id: d.pod_status.phase for d in body.data})
            token = body.next_token
            if not token:
                break
        if all(phases.get(i) == "Running" for i in ids):
            break
        time.sleep(0.05)
    assert all(phases.get(i) == "Running" for i in ids), phases


def test_manual_policy_moves_only_when_driven(manual):
    c = client(manual)
    group_id = create(c, "held")
    time.sleep(0.3)
    assert describe(c, group_id).status == "Scheduling"
    steps = []

    def advance():
        status, body = manual.call("POST", f"/_emulator/container-groups/{group_id}/lifecycle", {"action": "advance"})
        assert status == 200, body
        steps.append(body["status"])

    seen = wait_like_terraform(c, group_id, on_describe=advance)
    assert seen == ["Scheduling", "Pending", "Running"], seen
    assert steps == ["Pending", "Running"]


def test_manual_describe_counting_terminates_a_poller(manual):
    c = client(manual)
    tag = models.CreateContainerGroupRequestTag(key="emulator.lifecycle/describes-per-step", value="3")
    group_id = create(c, "counted", tag=[tag])
    assert wait_like_terraform(c, group_id) == ["Scheduling", "Pending", "Running"]


def test_a_failing_job_stops_the_poller_with_failed(timed):
    c = client(timed)
    tags = [
        models.CreateContainerGroupRequestTag(key="emulator.lifecycle/exit-after-ms", value="300"),
        models.CreateContainerGroupRequestTag(key="emulator.lifecycle/exit-code", value="2"),
    ]
    group_id = create(c, "job", restart_policy="Never", tag=tags)
    seen = wait_like_terraform(c, group_id)
    assert seen[-1] == "Running"
    while describe(c, group_id).status == "Running":
        time.sleep(0.05)
    g = describe(c, group_id)
    assert g.status == "Failed"
    assert g.containers[0].current_state.exit_code == 2
    assert g.failed_time


def test_restart_and_update_through_the_sdk(timed):
    c = client(timed)
    group_id = create(c, "changed")
    restart = models.RestartContainerGroupRequest(region_id=REGION, container_group_id=group_id)
    with pytest.raises(AlibabaCloudException) as refused:
        c.restart_container_group(restart)
    assert (refused.value.code, refused.value.status_code) == ("IncorrectStatus", 400)
    wait_like_terraform(c, group_id)
    c.restart_container_group(restart)
    assert wait_like_terraform(c, group_id) == ["Restarting", "Running"]
    assert describe(c, group_id).containers[0].restart_count == 1

    container = models.UpdateContainerGroupRequestContainer(name="app", image="nginx:1.27")
    update = models.UpdateContainerGroupRequest(
        region_id=REGION, container_group_id=group_id, update_type="IncrementalUpdate", container=[container]
    )
    c.update_container_group(update)
    assert wait_like_terraform(c, group_id) == ["Updating", "Running"]
    assert describe(c, group_id).containers[0].image == "nginx:1.27"
    with pytest.raises(AlibabaCloudException) as same:
        c.update_container_group(update)
    assert same.value.code == "NoNeedUpdate"


def test_delete_is_seen_terminating_then_gone(timed):
    c = client(timed)
    group_id = create(c, "deleted")
    wait_like_terraform(c, group_id)
    c.delete_container_group(models.DeleteContainerGroupRequest(region_id=REGION, container_group_id=group_id))
    seen = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        request = models.DescribeContainerGroupsRequest(region_id=REGION, container_group_ids=json.dumps([group_id]))
        groups = c.describe_container_groups(request).body.container_groups
        status = groups[0].status if groups else "gone"
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "gone":
            break
        time.sleep(0.02)
    assert seen == ["Terminating", "gone"], seen


def test_immediate_policy_terminates_a_poller_at_once(emulator):
    c = client(emulator)
    assert wait_like_terraform(c, create(c, "instant")) == ["Running"]
    tag = models.CreateContainerGroupRequestTag(key="emulator.lifecycle/schedule", value="fail")
    assert wait_like_terraform(c, create(c, "unschedulable", tag=[tag])) == ["ScheduleFailed"]
