package acceptance

// The current Go SDK, github.com/alibabacloud-go/eci-20180808/v3 on darabonba-openapi/v2, against the
// real binary: ACS3-HMAC-SHA256 (its default) and v2 (HMAC-SHA1).

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/eci-emulator/eci-emulator/go/eciemulator"
)

const region = "cn-hangzhou"

// WEIRD carries every character class the clients encode differently.
const weird = "a b+c*d~e/f?g=h&i%j 中文 ü '\"!()"

const strictKey, strictSecret, strictAccount = "LTAI5tGoStrict", "go/secret+=3", "acct-go"

var open, strict *eciemulator.Emulator

func TestMain(m *testing.M) {
	var err error
	if open, err = eciemulator.StartMain(eciemulator.WithLifecycle("immediate")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	credentials := fmt.Sprintf("%s:%s:%s", strictKey, strictSecret, strictAccount)
	if strict, err = eciemulator.StartMain(eciemulator.WithLifecycle("immediate"), eciemulator.WithArgs("--credentials", credentials)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		_ = open.Stop()
		os.Exit(1)
	}
	code := m.Run()
	_ = open.Stop()
	_ = strict.Stop()
	os.Exit(code)
}

func teaConfig(emu *eciemulator.Emulator, ak, secret, algorithm string) *openapi.Config {
	config := &openapi.Config{
		AccessKeyId:     tea.String(ak),
		AccessKeySecret: tea.String(secret),
		Endpoint:        tea.String(emu.Endpoint),
		Protocol:        tea.String("HTTP"),
		RegionId:        tea.String(region),
	}
	if algorithm != "" {
		config.SignatureAlgorithm = tea.String(algorithm)
	}
	return config
}

func eciClient(t *testing.T, emu *eciemulator.Emulator, ak, secret, algorithm string) *eci.Client {
	t.Helper()
	client, err := eci.NewClient(teaConfig(emu, ak, secret, algorithm))
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func fullSpec(name, token string) *eci.CreateContainerGroupRequest {
	container := &eci.CreateContainerGroupRequestContainer{
		Name:    tea.String("app"),
		Image:   tea.String("nginx:1.25"),
		Cpu:     tea.Float32(1),
		Memory:  tea.Float32(2),
		Command: tea.StringSlice([]string{"sh", "-c", weird}),
		Arg:     tea.StringSlice([]string{"--port", "80"}),
		EnvironmentVar: []*eci.CreateContainerGroupRequestContainerEnvironmentVar{
			{Key: tea.String("WEIRD"), Value: tea.String(weird)},
		},
		Port:        []*eci.CreateContainerGroupRequestContainerPort{{Port: tea.Int32(80), Protocol: tea.String("TCP")}},
		VolumeMount: []*eci.CreateContainerGroupRequestContainerVolumeMount{{Name: tea.String("scratch"), MountPath: tea.String("/scratch")}},
	}
	sidecar := &eci.CreateContainerGroupRequestContainer{Name: tea.String("sidecar"), Image: tea.String("busybox:1.36")}
	request := &eci.CreateContainerGroupRequest{
		RegionId:           tea.String(region),
		ContainerGroupName: tea.String(name),
		ZoneId:             tea.String("cn-hangzhou-b"),
		RestartPolicy:      tea.String("OnFailure"),
		Container:          []*eci.CreateContainerGroupRequestContainer{container, sidecar},
		Volume: []*eci.CreateContainerGroupRequestVolume{{
			Name:           tea.String("scratch"),
			Type:           tea.String("EmptyDirVolume"),
			EmptyDirVolume: &eci.CreateContainerGroupRequestVolumeEmptyDirVolume{Medium: tea.String("memory")},
		}},
		Tag: []*eci.CreateContainerGroupRequestTag{{Key: tea.String("suite"), Value: tea.String("go")}},
	}
	if token != "" {
		request.ClientToken = tea.String(token)
	}
	return request
}

func describeOne(t *testing.T, client *eci.Client, id string) *eci.DescribeContainerGroupsResponseBodyContainerGroups {
	t.Helper()
	ids, _ := json.Marshal([]string{id})
	answer, err := client.DescribeContainerGroups(&eci.DescribeContainerGroupsRequest{
		RegionId: tea.String(region), ContainerGroupIds: tea.String(string(ids)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(answer.Body.ContainerGroups); got != 1 {
		t.Fatalf("%d groups for %s", got, id)
	}
	return answer.Body.ContainerGroups[0]
}

// sdkError is the *tea.SDKError the client raised, or the test fails.
func sdkError(t *testing.T, err error) *tea.SDKError {
	t.Helper()
	if err == nil {
		t.Fatal("the call was not refused")
	}
	refused, ok := err.(*tea.SDKError)
	if !ok {
		t.Fatalf("%T is not a *tea.SDKError: %v", err, err)
	}
	return refused
}

func TestTeaClientCreatesReadsPagesUpdatesRestartsAndDeletes(t *testing.T) {
	for _, algorithm := range []string{"", "v2"} {
		t.Run("signing="+algorithm, func(t *testing.T) {
			open.Reset(t)
			client := eciClient(t, open, "LTAI5tGoTea", "any-secret", algorithm)
			created, err := client.CreateContainerGroup(fullSpec("go-full", ""))
			if err != nil {
				t.Fatal(err)
			}
			id := tea.StringValue(created.Body.ContainerGroupId)
			if !strings.HasPrefix(id, "eci-bp1") || tea.Int32Value(created.StatusCode) != 200 {
				t.Fatalf("created %q with status %d", id, tea.Int32Value(created.StatusCode))
			}
			group := describeOne(t, client, id)
			if got := tea.StringValue(group.Status); got != "Running" {
				t.Fatalf("status %s", got)
			}
			app := group.Containers[0]
			if tea.StringValue(app.Name) != "app" || strings.Join(tea.StringSliceValue(app.Commands), "|") != "sh|-c|"+weird {
				t.Fatalf("container %s with commands %v", tea.StringValue(app.Name), tea.StringSliceValue(app.Commands))
			}
			if tea.StringValue(app.EnvironmentVars[0].Value) != weird || tea.Int32Value(app.Ports[0].Port) != 80 {
				t.Fatalf("env %v ports %v", app.EnvironmentVars, app.Ports)
			}
			if len(group.Containers) != 2 || tea.StringValue(group.Tags[0].Value) != "go" {
				t.Fatalf("%d containers, tags %v", len(group.Containers), group.Tags)
			}

			_, err = client.UpdateContainerGroup(&eci.UpdateContainerGroupRequest{
				RegionId: tea.String(region), ContainerGroupId: tea.String(id),
				Tag: []*eci.UpdateContainerGroupRequestTag{{Key: tea.String("suite"), Value: tea.String("updated")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := tea.StringValue(describeOne(t, client, id).Tags[0].Value); got != "updated" {
				t.Fatalf("tag after update %q", got)
			}
			if _, err = client.RestartContainerGroup(&eci.RestartContainerGroupRequest{RegionId: tea.String(region), ContainerGroupId: tea.String(id)}); err != nil {
				t.Fatal(err)
			}
			restarted := describeOne(t, client, id)
			if tea.Int32Value(restarted.Containers[0].RestartCount) != 1 {
				t.Fatalf("restart count %d", tea.Int32Value(restarted.Containers[0].RestartCount))
			}

			exec, err := client.ExecContainerCommand(&eci.ExecContainerCommandRequest{
				RegionId: tea.String(region), ContainerGroupId: tea.String(id), ContainerName: tea.String("app"),
				Command: tea.String(`["echo","hello from go"]`), Sync: tea.Bool(true),
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := tea.StringValue(exec.Body.SyncResponse); !strings.Contains(got, "hello from go") {
				t.Fatalf("exec answered %q", got)
			}
			logs, err := client.DescribeContainerLog(&eci.DescribeContainerLogRequest{
				RegionId: tea.String(region), ContainerGroupId: tea.String(id), ContainerName: tea.String("app"), Tail: tea.Int32(5),
			})
			if err != nil {
				t.Fatal(err)
			}
			if tea.StringValue(logs.Body.ContainerName) != "app" || tea.StringValue(logs.Body.Content) == "" {
				t.Fatalf("log of %q: %q", tea.StringValue(logs.Body.ContainerName), tea.StringValue(logs.Body.Content))
			}

			if _, err = client.DeleteContainerGroup(&eci.DeleteContainerGroupRequest{RegionId: tea.String(region), ContainerGroupId: tea.String(id)}); err != nil {
				t.Fatal(err)
			}
			gone := sdkError(t, deleteGroup(client, id))
			if tea.StringValue(gone.Code) != "InvalidParameter.NotFound" || tea.IntValue(gone.StatusCode) != 404 {
				t.Fatalf("a second delete: %s %d", tea.StringValue(gone.Code), tea.IntValue(gone.StatusCode))
			}
		})
	}
}

func deleteGroup(client *eci.Client, id string) error {
	_, err := client.DeleteContainerGroup(&eci.DeleteContainerGroupRequest{RegionId: tea.String(region), ContainerGroupId: tea.String(id)})
	return err
}

func TestTeaClientPagesAndFiltersByTag(t *testing.T) {
	open.Reset(t)
	client := eciClient(t, open, "LTAI5tGoPages", "x", "")
	for i := 0; i < 5; i++ {
		request := fullSpec(fmt.Sprintf("page-%d", i), "")
		request.Tag = []*eci.CreateContainerGroupRequestTag{{Key: tea.String("half"), Value: tea.String(fmt.Sprint(i % 2))}}
		if _, err := client.CreateContainerGroup(request); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	token := ""
	for pages := 0; pages < 10; pages++ {
		request := &eci.DescribeContainerGroupsRequest{RegionId: tea.String(region), Limit: tea.Int32(2)}
		if token != "" {
			request.NextToken = tea.String(token)
		}
		page, err := client.DescribeContainerGroups(request)
		if err != nil {
			t.Fatal(err)
		}
		if tea.Int32Value(page.Body.TotalCount) != 5 {
			t.Fatalf("total %d", tea.Int32Value(page.Body.TotalCount))
		}
		for _, group := range page.Body.ContainerGroups {
			names = append(names, tea.StringValue(group.ContainerGroupName))
		}
		if token = tea.StringValue(page.Body.NextToken); token == "" {
			break
		}
	}
	if strings.Join(names, ",") != "page-4,page-3,page-2,page-1,page-0" {
		t.Fatalf("paged newest first: %v", names)
	}
	tagged, err := client.DescribeContainerGroups(&eci.DescribeContainerGroupsRequest{
		RegionId: tea.String(region),
		Tag:      []*eci.DescribeContainerGroupsRequestTag{{Key: tea.String("half"), Value: tea.String("1")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tea.Int32Value(tagged.Body.TotalCount) != 2 {
		t.Fatalf("%d groups tagged half=1", tea.Int32Value(tagged.Body.TotalCount))
	}
}

func TestTeaClientRaisesTypedErrorsFaultsAndKeepsClientTokens(t *testing.T) {
	open.Reset(t)
	client := eciClient(t, open, "LTAI5tGoErrors", "x", "")
	bad := fullSpec("Not_A_Valid_Name", "")
	refused := sdkError(t, func() error { _, err := client.CreateContainerGroup(bad); return err }())
	if tea.StringValue(refused.Code) != "InvalidParameter" || tea.IntValue(refused.StatusCode) != 400 {
		t.Fatalf("%s %d", tea.StringValue(refused.Code), tea.IntValue(refused.StatusCode))
	}
	if !strings.Contains(tea.StringValue(refused.Message), "ContainerGroupName") {
		t.Fatalf("message %q", tea.StringValue(refused.Message))
	}
	var data map[string]any
	if err := json.Unmarshal([]byte(tea.StringValue(refused.Data)), &data); err != nil || len(fmt.Sprint(data["RequestId"])) != 36 {
		t.Fatalf("the error's data carries no request id: %q", tea.StringValue(refused.Data))
	}

	open.AddFault(t, map[string]any{"action": "CreateContainerGroup", "code": "OperationDenied.NoStock", "times": 1})
	noStock := sdkError(t, func() error { _, err := client.CreateContainerGroup(fullSpec("after-fault", "")); return err }())
	if tea.StringValue(noStock.Code) != "OperationDenied.NoStock" || tea.IntValue(noStock.StatusCode) != 403 {
		t.Fatalf("the fault answered %s %d", tea.StringValue(noStock.Code), tea.IntValue(noStock.StatusCode))
	}

	first, err := client.CreateContainerGroup(fullSpec("with-token", "go-token-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := client.CreateContainerGroup(fullSpec("with-token", "go-token-1"))
	if err != nil {
		t.Fatal(err)
	}
	if tea.StringValue(first.Body.ContainerGroupId) != tea.StringValue(again.Body.ContainerGroupId) {
		t.Fatalf("a retry with the same ClientToken made a second group")
	}
	mismatch := sdkError(t, func() error { _, err := client.CreateContainerGroup(fullSpec("other-name", "go-token-1")); return err }())
	if tea.StringValue(mismatch.Code) != "IdempotentParameterMismatch" {
		t.Fatalf("a reused token with other parameters: %s", tea.StringValue(mismatch.Code))
	}
}

func TestTeaClientWaitsForRunningUnderTheClock(t *testing.T) {
	emu := eciemulator.Start(t)
	client := eciClient(t, emu, "LTAI5tGoClock", "x", "")
	created, err := client.CreateContainerGroup(fullSpec("by-the-clock", ""))
	if err != nil {
		t.Fatal(err)
	}
	id := tea.StringValue(created.Body.ContainerGroupId)
	seen := []string{}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		status := tea.StringValue(describeOne(t, client, id).Status)
		if len(seen) == 0 || seen[len(seen)-1] != status {
			seen = append(seen, status)
		}
		if status == "Running" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if seen[0] == "Running" || seen[len(seen)-1] != "Running" {
		t.Fatalf("statuses seen: %v", seen)
	}
}

func TestStrictCredentialsRefuseAWrongSecretForBothSigningSchemes(t *testing.T) {
	for _, algorithm := range []string{"", "v2"} {
		good := eciClient(t, strict, strictKey, strictSecret, algorithm)
		if _, err := good.DescribeContainerGroups(&eci.DescribeContainerGroupsRequest{RegionId: tea.String(region)}); err != nil {
			t.Fatalf("signing %q: %v", algorithm, err)
		}
		wrong := eciClient(t, strict, strictKey, "not-the-secret", algorithm)
		_, err := wrong.DescribeContainerGroups(&eci.DescribeContainerGroupsRequest{RegionId: tea.String(region)})
		refused := sdkError(t, err)
		if tea.StringValue(refused.Code) != "SignatureDoesNotMatch" || tea.IntValue(refused.StatusCode) != 400 {
			t.Fatalf("signing %q: %s %d", algorithm, tea.StringValue(refused.Code), tea.IntValue(refused.StatusCode))
		}
	}
}
