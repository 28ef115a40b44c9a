"""Runs the alicloud provider's own acceptance tests against the emulator and prints the table.

Each test runs in its own process of the provider's test binary, under its own access key (so, with
no --credentials, its own account): what it makes and the calls it failed are its own. The calls
come from the emulator's request journal, filtered by that account.

Usage: run.py --binary alicloud.test --emulator target/release/eci-emulator [--jobs N]
              [--timeout SECONDS] [--only REGEX] [--write docs/conformance.md]
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGION = "cn-hangzhou"
# A call answered with one of these is the provider asking whether something is gone (after a
# delete, or a data source's empty lookup): the answer the test expects, not a failure.
NOT_FOUND = re.compile(r"^(?!InvalidAction\.)(.*NotFound.*|.*NotExist.*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Outcome:
    name: str
    result: str  # pass, fail, skip, timeout
    seconds: float
    reason: str = ""
    failed_calls: list[str] = field(default_factory=list)
    stated: str = ""  # the reason tests/conformance/stated.json gives for its not passing


def scope() -> list[str]:
    lines = (HERE / "scope.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def stated_reasons() -> dict[str, str]:
    return json.loads((HERE / "stated.json").read_text())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_regions() -> dict[str, str]:
    """The tests that run only in another region (they skip themselves elsewhere), and where."""
    return json.loads((HERE / "regions.json").read_text())


def endpoints_xml(address: str, regions: list[str]) -> str:
    products = [
        line.strip()
        for line in (HERE / "products.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    entries = "".join(
        f"<Product><ProductName>{p}</ProductName><DomainName>{address}</DomainName></Product>"
        for p in products
    )
    regions_xml = "".join(
        f'<Endpoint name="{region}"><RegionIds><RegionId>{region}</RegionId></RegionIds>'
        f"<Products>{entries}</Products></Endpoint>"
        for region in regions
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><Endpoints>{regions_xml}</Endpoints>'



class Emulator:
    def __init__(self, binary: str, work: Path):
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.certificate = work / "emulator.pem"
        self.log = open(work / "emulator.log", "wb")
        self.process = subprocess.Popen(
            [
                binary,
                "--listen",
                self.address,
                "--tls-certificate-file",
                str(self.certificate),
                "--fixtures",
                str(HERE / "fixture.json"),
                "--journal-size",
                "500000",
                "--journal-bytes",
                str(512 * 1024 * 1024),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the emulator stopped at start; see {work / 'emulator.log'}")
            try:
                self.get("/_emulator/health")
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("the emulator did not answer within 20 s")

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"http://{self.address}{path}", timeout=30) as answer:
            return answer.read()

    def failed_calls(self, account: str) -> list[str]:
        calls = json.loads(self.get(f"/_emulator/calls?account={account}&limit=100000"))["calls"]
        counts: dict[str, int] = {}
        for call in calls:
            code = call.get("code") or ""
            if not code or NOT_FOUND.search(code):
                continue
            product = call.get("product") or f"version {call.get('version') or '?'}"
            key = f"{product} {call.get('action') or '?'}: {code}"
            counts[key] = counts.get(key, 0) + 1
        return [k if n == 1 else f"{k} ×{n}" for k, n in sorted(counts.items())]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def first_error(output: str) -> str:
    """What says why a test failed, as the plugin SDK prints it: the first error, with the code and
    message of the API error inside it."""
    output = ANSI.sub("", output)
    error = re.search(r"(?m)^\s*Error: (.+)$", output)
    if error:
        said = " ".join(error.group(1).split())
        after = output[error.end() : error.end() + 2000]
        code = re.search(r"(?m)^\s*(?:Code|ErrorCode): (\S+)", after)
        message = re.search(r"(?m)^\s*Message: (.+)$", after)
        if code and code.group(1) not in said:
            said += f" {code.group(1)}"
            if message:
                said += f": {message.group(1).strip()}"
        said = re.sub(r"\[ERROR\] terraform-provider-alicloud/alicloud/", "", said)
        said = re.sub(r" ?request id: [0-9A-F-]+", "", said)
        return said[:400]
    # The testing package's own report: `    file.go:N: what`, its lines after indented further.
    report = re.search(r"(?m)^    \S+\.go:\d+: (.+(?:\n {8}.*)*)", output)
    if report:
        said = " ".join(report.group(1).split())
        said = re.sub(r"\[ERROR\] terraform-provider-alicloud/alicloud/", "", said)
        return said[:400]
    panic = re.search(r"(?m)^(panic: .+)$", output)
    if panic:
        return panic.group(1)[:400]
    return ""


def run_one(binary: str, env: dict, name: str, index: int, timeout: int, logs: Path, emulator: Emulator) -> Outcome:
    account = f"conformance{index:03d}"
    work = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    region = test_regions().get(name, REGION)
    test_env = dict(env, ALICLOUD_ACCESS_KEY=account, ALICLOUD_SECRET_KEY="conformance", ALICLOUD_REGION=region)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [binary, "-test.run", f"^{name}$", "-test.v", "-test.count", "1", "-test.timeout", f"{timeout}s"],
            cwd=work,
            env=test_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout + 60,
        )
        output = done.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode(errors="replace") + "\n(killed: no end within the time limit)"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - started
    (logs / f"{name}.log").write_text(output)
    if re.search(rf"(?m)^\s*--- PASS: {name}\b", output):
        result = "pass"
    elif re.search(rf"(?m)^\s*--- SKIP: {name}\b", output):
        result = "skip"
    elif "panic: test timed out" in output or "(killed:" in output:
        result = "timeout"
    else:
        result = "fail"
    outcome = Outcome(name, result, seconds)
    if result != "pass":
        outcome.reason = first_error(output) or ("skipped" if result == "skip" else "no error line")
        if result == "skip":
            skip = re.search(r"(?m)^\s+\S+_test\.go:\d+: (.+)$", output)
            outcome.reason = " ".join(skip.group(1).split())[:300] if skip else "skipped"
    outcome.failed_calls = emulator.failed_calls(account)
    return outcome


def table(outcomes: list[Outcome]) -> str:
    rows = ["| test | result | seconds | calls the emulator refused | why it does not pass |", "|---|---|---|---|---|"]
    for o in outcomes:
        why = o.stated or o.reason
        if o.stated and o.reason and o.reason != o.stated:
            why = f"{o.stated} (this run: {o.reason})"
        calls = "<br>".join(o.failed_calls[:8]) + (" …" if len(o.failed_calls) > 8 else "")
        cell = lambda s: s.replace("|", "\\|")  # noqa: E731
        rows.append(f"| `{o.name}` | {o.result} | {o.seconds:.0f} | {cell(calls)} | {cell(why if o.result != 'pass' else '')} |")
    passed = sum(o.result == "pass" for o in outcomes)
    rows.append("")
    rows.append(f"{passed} passed, {len(outcomes) - passed} failed")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--timeout", type=int, default=600, help="seconds one test may take")
    parser.add_argument("--only", default="", help="run only the in-scope tests this regex finds")
    parser.add_argument("--logs", default="target/conformance", help="where each test's output goes")
    parser.add_argument("--write", default="", help="also write the table into this Markdown file")
    args = parser.parse_args()

    names = scope()
    listed = set(subprocess.run([args.binary, "-test.list", "TestAcc"], capture_output=True, text=True, check=True).stdout.split())
    missing = [n for n in names if n not in listed]
    if missing:
        raise SystemExit(f"not in the test binary: {', '.join(missing)}")
    if args.only:
        names = [n for n in names if re.search(args.only, n)]
    stated = stated_reasons()

    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="conformance-"))
    emulator = Emulator(args.emulator, work)
    try:
        regions = sorted({REGION, *test_regions().values()})
        (work / "endpoints.xml").write_text(endpoints_xml(emulator.address, regions))
        env = dict(
            os.environ,
            TF_ACC="1",
            ALICLOUD_REGION=REGION,
            ALIBABA_CLOUD_ACCOUNT_TYPE="Domestic",
            TF_ENDPOINT_PATH=str(work / "endpoints.xml"),
            SSL_CERT_FILE=str(emulator.certificate),
            TF_LOG="",
            # A virtual node's cluster: the tests pass its kubeconfig, Base64-encoded as the
            # provider documents, to CreateVirtualNode.
            KUBE_CONFIG=base64.b64encode((HERE / "kubeconfig.yaml").read_bytes()).decode(),
        )
        started = time.monotonic()
        outcomes: list[Outcome] = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [
                pool.submit(run_one, args.binary, env, name, index, args.timeout, logs, emulator)
                for index, name in enumerate(names)
            ]
            for future in concurrent.futures.as_completed(futures):
                o = future.result()
                # A test that skips itself says why (a region, a day of the month, a variable).
                o.stated = "" if o.result == "pass" else stated.get(o.name, o.reason if o.result == "skip" else "")
                outcomes.append(o)
                print(f"{o.result:7} {o.seconds:5.0f}s {o.name} {o.reason[:120]}", file=sys.stderr, flush=True)
        outcomes.sort(key=lambda o: names.index(o.name))
    finally:
        emulator.stop()
        shutil.rmtree(work, ignore_errors=True)
    text = table(outcomes)
    print(text)
    print(f"({time.monotonic() - started:.0f} s with {args.jobs} at a time)", file=sys.stderr)
    if args.write:
        write_table(Path(args.write), text)
    unexplained = [o.name for o in outcomes if o.result != "pass" and not o.stated]
    if unexplained:
        print(f"not passing, with no stated reason: {', '.join(unexplained)}", file=sys.stderr)
        return 1
    return 0


def write_table(path: Path, text: str) -> None:
    """Replaces what is between the table markers of `path` with `text`."""
    begin, end = "<!-- conformance table: scripts/conformance --write -->", "<!-- end of table -->"
    doc = path.read_text()
    head, _, rest = doc.partition(begin)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{begin}\n{text}\n{end}{tail}")


if __name__ == "__main__":
    sys.exit(main())
