"""OpenTofu with the alicloud provider, both built by scripts/terraform-tools, applying
examples/terraform/main.tf to the real binary: apply, a plan with no changes, an in-place update,
destroy, and nothing left; with signatures verified; and with faults on create."""

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "acceptance" / "python"))
from conftest import Emulator  # noqa: E402

TOFU = ROOT / ".tools" / "bin" / "tofu"
CLI_CONFIG = ROOT / ".tools" / "terraformrc"
EXAMPLE = ROOT / "examples" / "terraform" / "main.tf"
KEY = "LTAI5tTerraform"


def start(tmp_path, *flags):
    """The emulator, its HTTPS certificate written where the provider is told to trust it: the
    provider revokes security group rules over HTTPS whatever its `protocol` says."""
    certificate = tmp_path / "emulator.pem"
    emu = Emulator("--tls-certificate-file", str(certificate), *flags)
    emu.certificate = certificate
    return emu


class Workspace:
    """A copy of the example in its own directory, applied against one emulator."""

    def __init__(self, tmp_path, emulator, key=KEY, secret="anything"):
        self.dir = tmp_path
        shutil.copy(EXAMPLE, self.dir / "main.tf")
        self.emulator = emulator
        self.key = key
        self.env = {
            **os.environ,
            "SSL_CERT_FILE": str(emulator.certificate),
            "TF_CLI_CONFIG_FILE": str(CLI_CONFIG),
            "TF_IN_AUTOMATION": "1",
            "TF_VAR_endpoint": emulator.endpoint,
            "TF_VAR_access_key": key,
            "TF_VAR_secret_key": secret,
        }

    def run(self, *args, check=True):
        done = subprocess.run(
            [str(TOFU), *args, "-no-color"],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check and done.returncode != 0:
            pytest.fail(f"tofu {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def apply(self, *variables):
        return self.run("apply", "-auto-approve", "-input=false", *variables)

    def assert_no_changes(self, *variables):
        plan = self.run("plan", "-detailed-exitcode", "-input=false", *variables, check=False)
        assert plan.returncode == 0, f"the plan after apply is not empty (drift):\n{plan.stdout}\n{plan.stderr}"

    def outputs(self):
        return {k: v["value"] for k, v in json.loads(self.run("output", "-json").stdout).items()}

    def rpc(self, version, action, **params):
        query = urllib.parse.urlencode({"Action": action, "Version": version, "AccessKeyId": self.key,
                                        "RegionId": "cn-hangzhou", **params})
        with urllib.request.urlopen(f"http://{self.emulator.endpoint}/?{query}", timeout=5) as reply:
            return json.loads(reply.read())


def assert_nothing_left(emu):
    """Through the side API: no group in any account, no network but the region's default one."""
    state = emu.get("/_emulator/state")
    assert [g for p in state["partitions"] for g in p["containerGroups"]] == []
    for network in state["networks"]:
        assert list(network["vpcs"]) == [network["defaultVpcId"]], network["vpcs"]
        assert network["eips"] == {}, network["eips"]
        made = [v for v in network["vSwitches"] if v["vpcId"] != network["defaultVpcId"]]
        assert made == [], made


@pytest.fixture
def emulator(tmp_path_factory):
    emu = start(tmp_path_factory.mktemp("emulator"), "--lifecycle", "time")
    yield emu
    emu.stop()


def test_apply_plan_update_and_destroy_leave_nothing(tmp_path, emulator):
    ws = Workspace(tmp_path, emulator)
    ws.apply()
    out = ws.outputs()
    assert out["group_id"].startswith("eci-bp1")
    intranet, internet = out["group_ips"]
    assert intranet.startswith("10.0.1.") and internet.startswith("47.96.")
    assert out["groups_listed"] == 1 and "cn-hangzhou-k" in out["zones"]
    ws.assert_no_changes()

    update = ["-var", "app_image=nginx:1.26", "-var", "team=infra"]
    plan = ws.run("plan", "-input=false", *update)
    assert "0 to add" in plan.stdout and "0 to destroy" in plan.stdout, plan.stdout
    ws.apply(*update)
    ws.assert_no_changes(*update)
    group = ws.rpc("2018-08-08", "DescribeContainerGroups", ContainerGroupIds=json.dumps([out["group_id"]]))
    shown = group["ContainerGroups"][0]
    assert shown["Containers"][0]["Image"] in ("nginx:1.26",) or shown["Containers"][1]["Image"] == "nginx:1.26"
    assert {t["Key"]: t["Value"] for t in shown["Tags"]} == {"team": "infra"}
    vpc = ws.rpc("2016-04-28", "DescribeVpcs", VpcName="tf-vpc")["Vpcs"]["Vpc"][0]
    assert {t["Key"]: t["Value"] for t in vpc["Tags"]["Tag"]} == {"team": "infra"}

    ws.run("destroy", "-auto-approve", "-input=false", *update)
    assert_nothing_left(emulator)
    assert ws.rpc("2018-08-08", "DescribeContainerGroups")["TotalCount"] == 0
    vpcs = ws.rpc("2016-04-28", "DescribeVpcs")["Vpcs"]["Vpc"]
    assert [v["IsDefault"] for v in vpcs] == [True], "only the region's default VPC is left"
    assert ws.rpc("2016-04-28", "DescribeEipAddresses")["TotalCount"] == 0
    groups = ws.rpc("2014-05-26", "DescribeSecurityGroups", VpcId=vpc["VpcId"])
    assert groups["TotalCount"] == 0
    assert ws.rpc("2018-08-08", "DescribeImageCaches")["ImageCaches"] == []


def test_the_same_flow_with_signatures_verified(tmp_path):
    emu = start(tmp_path, "--lifecycle", "immediate", "--credentials", "LTAI5tTfStrict:tf/secret+=6:acct-tf")
    try:
        (tmp_path / "wrong").mkdir()
        wrong = Workspace(tmp_path / "wrong", emu, key="LTAI5tTfStrict", secret="not-it")
        refused = wrong.run("apply", "-auto-approve", "-input=false", check=False)
        assert refused.returncode != 0
        assert "InvalidAccessKeySecret" in refused.stderr or "SignatureDoesNotMatch" in refused.stderr, refused.stderr
        (tmp_path / "right").mkdir()
        ws = Workspace(tmp_path / "right", emu, key="LTAI5tTfStrict", secret="tf/secret+=6")
        ws.apply()
        ws.assert_no_changes()
        ws.run("destroy", "-auto-approve", "-input=false")
        assert_nothing_left(emu)
    finally:
        emu.stop()


def test_a_retryable_fault_is_retried_and_another_fails_the_apply_clearly(tmp_path, emulator):
    ws = Workspace(tmp_path, emulator)
    emulator.add_fault({"action": "CreateContainerGroup", "code": "ServiceUnavailable", "times": 1})
    ws.apply()
    faults = emulator.get("/_emulator/faults")
    assert [rule["hits"] for rule in faults["rules"]] == [1], faults
    ws.run("destroy", "-auto-approve", "-input=false")
    assert_nothing_left(emulator)

    emulator.add_fault({"action": "CreateContainerGroup", "code": "OperationDenied.NoStock", "times": 1})
    failed = ws.run("apply", "-auto-approve", "-input=false", check=False)
    assert failed.returncode != 0
    assert "OperationDenied.NoStock" in failed.stderr, failed.stderr
    ws.run("destroy", "-auto-approve", "-input=false")
    assert_nothing_left(emulator)
