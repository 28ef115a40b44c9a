package eciemulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

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

// TestAFrozenClock runs an hour-long stage in no time: the clock moves only when the test says.
func TestAFrozenClock(t *testing.T) {
	emu := eciemulator.Start(t, eciemulator.WithArgs("--clock", "frozen", "--start-time", "2030-01-01T00:00:00Z",
		"--stage-delay-ms", "3600000", "--stage-jitter-ms", "0"))
	created := call(t, emu, "CreateContainerGroup", url.Values{"RegionId": {"cn-hangzhou"},
		"ContainerGroupName": {"slow"}, "Container.1.Name": {"app"}, "Container.1.Image": {"nginx"}, "Cpu": {"2"}})
	id := created["body"].(map[string]any)["ContainerGroupId"].(string)
	status := func() any {
		described := call(t, emu, "DescribeContainerGroups", url.Values{"RegionId": {"cn-hangzhou"},
			"ContainerGroupIds": {`["` + id + `"]`}})
		return described["body"].(map[string]any)["ContainerGroups"].([]any)[0].(map[string]any)["Status"]
	}
	if got := status(); got != "Scheduling" {
		t.Fatalf("a new group is %v", got)
	}
	clock := emu.Advance(t, 2*3600)
	if want := time.Date(2030, 1, 1, 2, 0, 0, 0, time.UTC); !clock.Now.Equal(want) || !clock.Frozen {
		t.Fatalf("the clock after two hours: %+v", clock)
	}
	if got := status(); got != "Running" {
		t.Fatalf("two hour-long stages later the group is %v", got)
	}
	creates := emu.Calls(t, url.Values{"action": {"CreateContainerGroup"}, "code": {"OK"}})
	if len(creates) != 1 || creates[0].Params["Cpu"] != "2" || creates[0].Params["ContainerGroupName"] != "slow" {
		t.Fatalf("the journal holds %+v", creates)
	}
	summary := emu.Coverage(t)["summary"].(map[string]any)
	if summary["operationsCalled"] != 2.0 || summary["calls"] != 3.0 {
		t.Fatalf("the coverage summary: %v", summary)
	}
}

// TestAWorld declares a zone with room for one group and a price series in one call: the second
// create in that zone is refused as the service refuses a sold-out zone.
func TestAWorld(t *testing.T) {
	emu := eciemulator.Start(t, eciemulator.WithLifecycle("immediate"))
	emu.SetWorld(t, eciemulator.World{
		Capacity: []eciemulator.Capacity{{RegionID: "cn-hangzhou", ZoneID: "cn-hangzhou-b", Groups: 1}},
		SpotMarket: &eciemulator.SpotMarket{Series: []eciemulator.PriceSeries{{RegionID: "cn-hangzhou",
			ZoneID: "cn-hangzhou-b", Spec: "2-4", Prices: []eciemulator.PricePoint{{At: 0, Price: 0.05}}}}},
	})
	zoneOf := func(id string) any {
		described := call(t, emu, "DescribeContainerGroups", url.Values{"RegionId": {"cn-hangzhou"},
			"ContainerGroupIds": {`["` + id + `"]`}})
		return described["body"].(map[string]any)["ContainerGroups"].([]any)[0].(map[string]any)["ZoneId"]
	}
	var zones []any
	for range 2 {
		created := call(t, emu, "CreateContainerGroup", url.Values{"RegionId": {"cn-hangzhou"},
			"ContainerGroupName": {"spills"}, "Container.1.Name": {"app"}, "Container.1.Image": {"nginx"},
			"ZoneId": {"cn-hangzhou-b"}})
		if created["status"] != http.StatusOK {
			zones = append(zones, created["body"].(map[string]any)["Code"])
			continue
		}
		zones = append(zones, zoneOf(created["body"].(map[string]any)["ContainerGroupId"].(string)))
	}
	if zones[0] != "cn-hangzhou-b" || zones[1] != "OperationDenied.NoStock" {
		t.Fatalf("one fits in zone b, the next is refused: %v", zones)
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
