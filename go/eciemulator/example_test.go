package eciemulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/eci-emulator/eci-emulator/go/eciemulator"
)

// TestExample starts an emulator for one test, calls the ECI API on it as an SDK would (here with
// plain HTTP, unsigned, as the open mode accepts), injects a fault and resets it.
func TestExample(t *testing.T) {
	emu := eciemulator.Start(t, eciemulator.WithLifecycle("immediate"))

	regions := call(t, emu, "DescribeRegions", nil)
	if status := regions["status"]; status != http.StatusOK {
		t.Fatalf("DescribeRegions answered %v", status)
	}

	emu.AddFault(t, map[string]any{"action": "DescribeRegions", "code": "Throttling.User", "times": 1})
	throttled := call(t, emu, "DescribeRegions", nil)
	if throttled["status"] != http.StatusBadRequest || throttled["body"].(map[string]any)["Code"] != "Throttling.User" {
		t.Fatalf("the fault did not fire: %v", throttled)
	}
	if again := call(t, emu, "DescribeRegions", nil); again["status"] != http.StatusOK {
		t.Fatalf("the fault fired twice: %v", again)
	}

	vpc := call(t, emu, "CreateVpc", url.Values{"Version": {"2016-04-28"}, "RegionId": {"cn-hangzhou"}})
	if vpc["status"] != http.StatusOK {
		t.Fatalf("CreateVpc answered %v", vpc)
	}
	emu.Reset(t)
	vpcs := call(t, emu, "DescribeVpcs", url.Values{"Version": {"2016-04-28"}, "RegionId": {"cn-hangzhou"}})
	if total := vpcs["body"].(map[string]any)["TotalCount"]; total != 1.0 {
		t.Fatalf("after a reset only the default VPC is left, not %v", total)
	}
}

func TestAMissingBinaryIsReported(t *testing.T) {
	_, err := eciemulator.StartMain(eciemulator.WithBinary("/nonexistent/eci-emulator"))
	if err == nil {
		t.Fatal("a binary that does not exist started")
	}
}

func call(t *testing.T, emu *eciemulator.Emulator, action string, params url.Values) map[string]any {
	t.Helper()
	query := url.Values{"Action": {action}, "Version": {"2018-08-08"}, "AccessKeyId": {"LTAI5tGo"}}
	for key, values := range params {
		query[key] = values
	}
	response, err := http.Get(emu.URL + "/?" + query.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(response.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"status": response.StatusCode, "body": body}
}
