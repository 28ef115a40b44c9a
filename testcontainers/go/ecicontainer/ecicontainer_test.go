package ecicontainer_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/testcontainers/testcontainers-go"

	"github.com/eci-emulator/eci-emulator/testcontainers/go/ecicontainer"
)

// The module's example tests: the official Go SDK (eci-20180808/v3) against a container under a
// real Docker engine (ECI_EMULATOR_IMAGE names the image).

func image() string {
	if name := os.Getenv("ECI_EMULATOR_IMAGE"); name != "" {
		return name
	}
	return ecicontainer.DefaultImage
}

const network = `{
  "vpcs": [{"vpcId": "vpc-tc", "regionId": "cn-hangzhou", "cidrBlock": "10.40.0.0/16"}],
  "vSwitches": [{"vSwitchId": "vsw-tc", "vpcId": "vpc-tc", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.40.3.0/24"}],
  "securityGroups": [{"securityGroupId": "sg-tc", "vpcId": "vpc-tc"}]
}`

func run(t *testing.T, opts ...testcontainers.ContainerCustomizer) *ecicontainer.Container {
	t.Helper()
	ctr, err := ecicontainer.Run(context.Background(), image(), opts...)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	return ctr
}

func client(t *testing.T, ctr *ecicontainer.Container, secret string) *eci.Client {
	t.Helper()
	endpoint, err := ctr.APIEndpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := eci.NewClient(&openapi.Config{
		AccessKeyId:     tea.String(ctr.AccessKeyID()),
		AccessKeySecret: tea.String(secret),
		Endpoint:        tea.String(endpoint),
		Protocol:        tea.String("HTTP"),
		RegionId:        tea.String(ctr.Region()),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func create(c *eci.Client, name string, vSwitch string) (string, error) {
	request := &eci.CreateContainerGroupRequest{
		RegionId:           tea.String("cn-hangzhou"),
		ContainerGroupName: tea.String(name),
		Container:          []*eci.CreateContainerGroupRequestContainer{{Name: tea.String("web"), Image: tea.String("nginx:1.25")}},
	}
	if vSwitch != "" {
		request.VSwitchId = tea.String(vSwitch)
		request.SecurityGroupId = tea.String("sg-tc")
	}
	created, err := c.CreateContainerGroup(request)
	if err != nil {
		return "", err
	}
	return tea.StringValue(created.Body.ContainerGroupId), nil
}

func describe(t *testing.T, c *eci.Client, id string) []*eci.DescribeContainerGroupsResponseBodyContainerGroups {
	t.Helper()
	ids, _ := json.Marshal([]string{id})
	described, err := c.DescribeContainerGroups(&eci.DescribeContainerGroupsRequest{
		RegionId: tea.String("cn-hangzhou"), ContainerGroupIds: tea.String(string(ids)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return described.Body.ContainerGroups
}

func code(err error) string {
	var sdkError *tea.SDKError
	if errors.As(err, &sdkError) {
		return tea.StringValue(sdkError.Code)
	}
	return ""
}

func TestTheSDKCreatesOnAFixtureNetworkWithSignaturesVerified(t *testing.T) {
	started := time.Now()
	ctr := run(t,
		ecicontainer.WithCredentials("LTAI5tGoModule", "go-module-secret"),
		ecicontainer.WithLifecycle("immediate"),
		ecicontainer.WithSeed(5),
		ecicontainer.WithFixtures([]byte(network)))
	t.Logf("container start to healthy: %.2f s", time.Since(started).Seconds())
	if ctr.AccessKeySecret() != "go-module-secret" {
		t.Fatalf("secret handed out: %q", ctr.AccessKeySecret())
	}
	c := client(t, ctr, ctr.AccessKeySecret())
	id, err := create(c, "on-my-network", "vsw-tc")
	if err != nil {
		t.Fatal(err)
	}
	groups := describe(t, c, id)
	if len(groups) != 1 || tea.StringValue(groups[0].Status) != "Running" || !strings.HasPrefix(tea.StringValue(groups[0].IntranetIp), "10.40.3.") {
		t.Fatalf("described: %v", groups)
	}
	calls, err := ctr.Calls(context.Background(), nil)
	if err != nil || len(calls) != 2 || calls[0]["action"] != "CreateContainerGroup" {
		t.Fatalf("calls: %v %v", calls, err)
	}
	if _, err := create(client(t, ctr, "wrong-secret"), "forged", ""); code(err) != "SignatureDoesNotMatch" {
		t.Fatalf("a wrong secret: %v", err)
	}
	if err := ctr.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if groups := describe(t, c, id); len(groups) != 0 {
		t.Fatalf("after reset: %v", groups)
	}
}

func TestFaultsFromAFileAndAtRunTime(t *testing.T) {
	rules := `{"rules": [{"action": "DeleteContainerGroup", "code": "OperationConflict", "times": 1}]}`
	ctr := run(t, ecicontainer.WithLifecycle("immediate"), ecicontainer.WithFaults([]byte(rules)))
	ctx := context.Background()
	c := client(t, ctr, ctr.AccessKeySecret())
	fault, err := ctr.AddFault(ctx, map[string]any{"action": "CreateContainerGroup", "code": "Throttling", "times": 1})
	if err != nil || !strings.HasPrefix(fault, "fault-") {
		t.Fatalf("fault %q: %v", fault, err)
	}
	if _, err := create(c, "throttled", ""); code(err) != "Throttling" {
		t.Fatalf("first create: %v", err)
	}
	id, err := create(c, "second-try", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteContainerGroup(&eci.DeleteContainerGroupRequest{RegionId: tea.String("cn-hangzhou"), ContainerGroupId: tea.String(id)})
	if code(err) != "OperationConflict" {
		t.Fatalf("delete: %v", err)
	}
	succeeded, err := ctr.Calls(ctx, url.Values{"action": {"CreateContainerGroup"}, "code": {"OK"}})
	if err != nil || len(succeeded) != 1 {
		t.Fatalf("successful creates: %v %v", succeeded, err)
	}
	_, err = ctr.AddFault(ctx, map[string]any{"action": "CreateContainerGroup", "code": "NoSuchCode"})
	var refused *ecicontainer.SideAPIError
	if !errors.As(err, &refused) || refused.Status != 400 {
		t.Fatalf("an unknown code: %v", err)
	}
}

func TestAFrozenClockMovesGroupsOnlyWhenAdvanced(t *testing.T) {
	ctr := run(t, testcontainers.WithEnv(map[string]string{"ECI_EMULATOR_CLOCK": "frozen"}))
	c := client(t, ctr, ctr.AccessKeySecret())
	id, err := create(c, "waits-for-the-clock", "")
	if err != nil {
		t.Fatal(err)
	}
	if status := tea.StringValue(describe(t, c, id)[0].Status); status != "Scheduling" {
		t.Fatalf("before: %s", status)
	}
	if err := ctr.AdvanceClock(context.Background(), 60); err != nil {
		t.Fatal(err)
	}
	if status := tea.StringValue(describe(t, c, id)[0].Status); status != "Running" {
		t.Fatalf("after: %s", status)
	}
}

func TestAStateVolumeCarriesGroupsToTheNextContainer(t *testing.T) {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	volume := "eci-tc-go-" + hex.EncodeToString(suffix)
	first := run(t, ecicontainer.WithStateVolume(volume), ecicontainer.WithLifecycle("immediate"))
	id, err := create(client(t, first, first.AccessKeySecret()), "kept", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := testcontainers.TerminateContainer(first); err != nil {
		t.Fatal(err)
	}
	second := run(t, ecicontainer.WithStateVolume(volume))
	// Removed with the last container on it.
	testcontainers.CleanupContainer(t, second, testcontainers.RemoveVolumes(volume))
	groups := describe(t, client(t, second, second.AccessKeySecret()), id)
	if len(groups) != 1 || tea.StringValue(groups[0].ContainerGroupName) != "kept" {
		t.Fatalf("in the second container: %v", groups)
	}
}
