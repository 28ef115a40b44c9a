"""The dashboard at /_emulator/ui in a real browser (Debian's headless Chromium, driven by Selenium),
checked against what the official SDK sees."""

import json
import tempfile

import pytest
from alibabacloud_eci20180808 import models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT, Emulator
from test_faults_sdk import create, describe
from test_tea_sdk import client

SCREENSHOT = ROOT / "target" / "dashboard.png"


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="eci-dashboard-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1500,1100",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def wait_for(browser, condition, seconds=10):
    return WebDriverWait(browser, seconds).until(lambda _: condition())


def test_the_dashboard_shows_groups_and_drives_faults_and_statuses(emulator, browser):
    c = client(emulator)
    group_id = create(c, name="dashboard").container_group_id
    browser.get(f"http://{emulator.endpoint}/_emulator/ui")
    row = wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, f"tr[data-id='{group_id}']"))[0]
    assert "dashboard" in row.text and "Running" in row.text
    row.click()
    wait_for(browser, lambda: "dashboard" in browser.find_element(By.ID, "detail-status").text)
    events = browser.find_elements(By.CSS_SELECTOR, "#events tbody tr")
    assert any("Started" in e.text for e in events), [e.text for e in events]

    browser.find_element(By.ID, "fault-action").clear()
    browser.find_element(By.ID, "fault-action").send_keys("DescribeContainerGroups")
    browser.find_element(By.ID, "fault-code").send_keys("ServiceUnavailable")
    browser.find_element(By.ID, "fault-times").send_keys("1")
    browser.find_element(By.ID, "add-fault").click()
    wait_for(browser, lambda: "ServiceUnavailable" in browser.find_element(By.ID, "faults").text)
    with pytest.raises(AlibabaCloudException) as refused:
        describe(c)
    assert refused.value.code == "ServiceUnavailable"

    Select(browser.find_element(By.ID, "set-status")).select_by_visible_text("Failed")
    browser.find_element(By.ID, "apply-status").click()
    wait_for(browser, lambda: "Now Failed" in browser.find_element(By.ID, "drive-result").text)
    seen = describe(c, container_group_ids=f'["{group_id}"]').container_groups[0]
    assert seen.status == "Failed"

    wait_for(browser, lambda: "DescribeContainerGroups" in browser.find_element(By.ID, "calls").text)
    wait_for(browser, lambda: "ServiceUnavailable" in browser.find_element(By.ID, "calls").text)
    hits = "#faults tr[data-id='fault-1'] td:nth-child(4)"
    wait_for(browser, lambda: [e.text for e in browser.find_elements(By.CSS_SELECTOR, hits)] == ["1"])
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))


def test_the_dashboard_opens_a_call_shows_coverage_and_moves_the_clock(browser):
    emu = Emulator("--lifecycle", "time", "--clock", "frozen", "--start-time", "2030-01-01T00:00:00Z",
                   "--stage-delay-ms", "3600000", "--stage-jitter-ms", "0")
    try:
        c = client(emu)
        created = create(c, name="insight", cpu=2.0, memory=4.0)
        with pytest.raises(AlibabaCloudException):
            describe(c, limit=-1)
        browser.get(f"http://{emu.endpoint}/_emulator/ui")

        clock = browser.find_element(By.ID, "clock")
        wait_for(browser, lambda: clock.text == "clock 2030-01-01T00:00:00Z (frozen)")
        row = wait_for(browser, lambda: [r for r in browser.find_elements(By.CSS_SELECTOR, "#calls tr")
                                         if "CreateContainerGroup" in r.text])[0]
        row.click()
        summary = wait_for(browser, lambda: browser.find_element(By.ID, "call-summary").text)
        assert "CreateContainerGroup → 200 OK" in summary and created.request_id in summary, summary
        params = json.loads(browser.find_element(By.ID, "call-params").text)
        assert params["ContainerGroupName"] == "insight" and params["Cpu"] == "2.0", params
        refused = [r for r in browser.find_elements(By.CSS_SELECTOR, "#calls tr") if "InvalidParameter" in r.text][0]
        refused.click()
        wait_for(browser, lambda: "DescribeContainerGroups → 400 InvalidParameter" in
                 browser.find_element(By.ID, "call-summary").text)
        assert json.loads(browser.find_element(By.ID, "call-params").text)["Limit"] == "-1"

        browser.find_element(By.ID, "coverage-refresh").click()
        report = emu.get("/_emulator/coverage")
        wait_for(browser, lambda: browser.find_element(By.ID, "coverage-summary").text == report["summary"]["line"])
        assert report["summary"]["line"].startswith("2/")
        rows = {r.get_attribute("data-action"): r.text for r in browser.find_elements(By.CSS_SELECTOR, "#coverage tr")}
        assert set(rows) == {"CreateContainerGroup", "DescribeContainerGroups"}, rows
        assert "InvalidParameter ×1" in rows["DescribeContainerGroups"]
        browser.find_element(By.ID, "coverage-called-only").click()
        wait_for(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#coverage tr.uncalled")) > 30)

        group_id = created.container_group_id
        assert describe(c, container_group_ids=f'["{group_id}"]').container_groups[0].status == "Scheduling"
        browser.find_element(By.ID, "clock-advance").click()
        wait_for(browser, lambda: clock.text == "clock 2030-01-01T01:00:00Z (frozen)")
        browser.find_element(By.ID, "clock-advance").click()
        wait_for(browser, lambda: clock.text == "clock 2030-01-01T02:00:00Z (frozen)")
        assert describe(c, container_group_ids=f'["{group_id}"]').container_groups[0].status == "Running"
        browser.find_element(By.ID, "clock-freeze").click()
        wait_for(browser, lambda: "frozen" not in clock.text and clock.text.startswith("clock 2030-01-01T02:00:0"))
        assert emu.get("/_emulator/clock")["frozen"] is False
    finally:
        emu.stop()


def test_the_dashboard_shows_what_is_left_of_a_zone_and_its_spot_price(emulator, browser):
    c = client(emulator)
    capacity = {"capacity": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "2-4", "groups": 3}]}
    assert emulator.call("PUT", "/_emulator/capacity", capacity)[0] == 200
    market = {"series": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "2-4", "prices": [{"at": 0, "price": 0.042}]}]}
    assert emulator.call("PUT", "/_emulator/spot-market", market)[0] == 200
    create(c, name="in-zone-b", zone_id="cn-hangzhou-b")
    browser.get(f"http://{emulator.endpoint}/_emulator/ui")
    slot = "tr[data-slot='cn-hangzhou/cn-hangzhou-b/2-4']"
    row = wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, slot))[0]
    assert [td.text for td in row.find_elements(By.TAG_NAME, "td")] == ["cn-hangzhou cn-hangzhou-b", "2-4", "3", "1", "2", "0.042"]
