package acceptance

// The older Go SDK, github.com/aliyun/alibaba-cloud-sdk-go (services/eci, HMAC-SHA1, the one the
// Terraform provider and virtual-kubelet's ECI provider use). It resolves its endpoint from a table;
// a custom host is given per request (`Domain`) or registered with endpoints.AddEndpointMapping,
// and the scheme by the client's config.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/endpoints"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	coreeci "github.com/aliyun/alibaba-cloud-sdk-go/services/eci"
	"github.com/eci-emulator/eci-emulator/go/eciemulator"
)

func coreClient(t *testing.T, ak, secret string) *coreeci.Client {
	t.Helper()
	config := sdk.NewConfig().WithScheme("HTTP").WithAutoRetry(false)
	client, err := coreeci.NewClientWithOptions(region, config, credentials.NewAccessKeyCredential(ak, secret))
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func coreCreate(name, token string) *coreeci.CreateContainerGroupRequest {
	request := coreeci.CreateCreateContainerGroupRequest()
	request.RegionId = region
	request.ContainerGroupName = name
	request.ClientToken = token
	request.Container = &[]coreeci.CreateContainerGroupContainer{{
		Name:           "app",
		Image:          "nginx:1.25",
		Cpu:            requests.NewFloat(0.5),
		Memory:         requests.NewFloat(1),
		Command:        []string{"echo", weird},
		EnvironmentVar: &[]coreeci.CreateContainerGroupEnvironmentVar{{Key: "WEIRD", Value: weird}},
		Port:           &[]coreeci.CreateContainerGroupPort{{Port: requests.NewInteger(8080), Protocol: "TCP"}},
	}}
	request.Tag = &[]coreeci.CreateContainerGroupTag{{Key: "sdk", Value: "core"}}
	return request
}

func coreDescribe(t *testing.T, client *coreeci.Client, domain, id string) coreeci.DescribeContainerGroupsContainerGroup0 {
	t.Helper()
	ids, _ := json.Marshal([]string{id})
	request := coreeci.CreateDescribeContainerGroupsRequest()
	request.Domain = domain
	request.RegionId = region
	request.ContainerGroupIds = string(ids)
	answer, err := client.DescribeContainerGroups(request)
	if err != nil {
		t.Fatal(err)
	}
	if len(answer.ContainerGroups) != 1 {
		t.Fatalf("%d groups for %s", len(answer.ContainerGroups), id)
	}
	return answer.ContainerGroups[0]
}

func serverError(t *testing.T, err error) *sdkerrors.ServerError {
	t.Helper()
	if err == nil {
		t.Fatal("the call was not refused")
	}
	refused, ok := err.(*sdkerrors.ServerError)
	if !ok {
		t.Fatalf("%T is not a *errors.ServerError: %v", err, err)
	}
	return refused
}

func TestCoreSdkCreatesDescribesAndDeletesByDomain(t *testing.T) {
	open.Reset(t)
	client := coreClient(t, "LTAI5tGoCore", "any-secret")
	create := coreCreate("core-group", "")
	create.Domain = open.Endpoint
	created, err := client.CreateContainerGroup(create)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.ContainerGroupId, "eci-bp1") || len(created.RequestId) != 36 {
		t.Fatalf("created %q, request %q", created.ContainerGroupId, created.RequestId)
	}
	group := coreDescribe(t, client, open.Endpoint, created.ContainerGroupId)
	if group.Status != "Running" || group.Containers[0].Name != "app" || group.Tags[0].Value != "core" {
		t.Fatalf("group %+v", group)
	}
	if group.Cpu != 0.5 || group.Memory != 1 {
		t.Fatalf("size %v/%v", group.Cpu, group.Memory)
	}
	remove := coreeci.CreateDeleteContainerGroupRequest()
	remove.Domain = open.Endpoint
	remove.RegionId = region
	remove.ContainerGroupId = created.ContainerGroupId
	if _, err := client.DeleteContainerGroup(remove); err != nil {
		t.Fatal(err)
	}
	_, err = client.DeleteContainerGroup(remove)
	refused := serverError(t, err)
	if refused.ErrorCode() != "InvalidParameter.NotFound" || refused.HttpStatus() != 404 || len(refused.RequestId()) != 36 {
		t.Fatalf("%s %d %q", refused.ErrorCode(), refused.HttpStatus(), refused.RequestId())
	}
	if refused.Message() == "" {
		t.Fatal("the error has no message")
	}
}

func TestCoreSdkFindsTheEmulatorThroughAnEndpointMappingAndKeepsClientTokens(t *testing.T) {
	emu := eciemulator.Start(t, eciemulator.WithLifecycle("immediate"))
	if err := endpoints.AddEndpointMapping(region, "Eci", emu.Endpoint); err != nil {
		t.Fatal(err)
	}
	client := coreClient(t, "LTAI5tGoMapped", "x")
	first, err := client.CreateContainerGroup(coreCreate("mapped", "core-token"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := client.CreateContainerGroup(coreCreate("mapped", "core-token"))
	if err != nil {
		t.Fatal(err)
	}
	if first.ContainerGroupId != again.ContainerGroupId {
		t.Fatal("a retry with the same ClientToken made a second group")
	}
	emu.AddFault(t, map[string]any{"action": "DescribeContainerGroups", "code": "ServiceUnavailable", "times": 1})
	request := coreeci.CreateDescribeContainerGroupsRequest()
	request.RegionId = region
	_, err = client.DescribeContainerGroups(request)
	unavailable := serverError(t, err)
	if unavailable.ErrorCode() != "ServiceUnavailable" || unavailable.HttpStatus() != 503 {
		t.Fatalf("%s %d", unavailable.ErrorCode(), unavailable.HttpStatus())
	}
	listed, err := client.DescribeContainerGroups(request)
	if err != nil || listed.TotalCount != 1 {
		t.Fatalf("after the fault: %v, %d groups", err, listed.TotalCount)
	}
}

func TestCoreSdkIsRefusedAWrongSecret(t *testing.T) {
	request := coreeci.CreateDescribeContainerGroupsRequest()
	request.Domain = strict.Endpoint
	request.RegionId = region
	if _, err := coreClient(t, strictKey, strictSecret).DescribeContainerGroups(request); err != nil {
		t.Fatal(err)
	}
	_, err := coreClient(t, strictKey, "wrong").DescribeContainerGroups(request)
	if err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	// The SDK compares the gateway's string to sign with its own and, when they match, reports a wrong
	// secret as its own client error; a ServerError carries the gateway's code.
	if refused, ok := err.(*sdkerrors.ServerError); ok && refused.ErrorCode() != "SignatureDoesNotMatch" {
		t.Fatalf("%s", refused.ErrorCode())
	}
	if !strings.Contains(err.Error(), "SignatureDoesNotMatch") && !strings.Contains(err.Error(), "InvalidAccessKeySecret") {
		t.Fatalf("%v", err)
	}
}
