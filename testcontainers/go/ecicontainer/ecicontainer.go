// Package ecicontainer is the eci-emulator module for testcontainers-go: it runs the image, waits on
// its health route, and hands the official SDKs an endpoint, a region and a key pair, plus the
// side-API calls a test needs (reset, faults, the clock, the request journal).
//
//	ctr, err := ecicontainer.Run(ctx, "eci-emulator:latest", ecicontainer.WithLifecycle("immediate"))
//	testcontainers.CleanupContainer(t, ctr)
//	endpoint, err := ctr.APIEndpoint(ctx)
//	client, err := eci.NewClient(&openapi.Config{
//		AccessKeyId:     tea.String(ctr.AccessKeyID()),
//		AccessKeySecret: tea.String(ctr.AccessKeySecret()),
//		Endpoint:        tea.String(endpoint),
//		Protocol:        tea.String("HTTP"),
//		RegionId:        tea.String(ctr.Region()),
//	})
package ecicontainer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

const (
	// DefaultImage is the tag scripts/image gives the image.
	DefaultImage = "eci-emulator:latest"
	port         = "8080/tcp"
	// stateDir is where the image keeps state when ECI_EMULATOR_STATE_DIR names it; owned by the
	// image's user.
	stateDir = "/data"
	// Files copied in go to the root, the one folder a scratch image is sure to have.
	fixturesFile = "/eci-fixtures.json"
	faultsFile   = "/eci-faults.json"
	// The key pair handed out unless WithCredentials is given: the emulator then takes any pair.
	defaultAccessKeyID     = "LTAI5tTestcontainers"
	defaultAccessKeySecret = "testcontainers-secret"
	credentialsVariable    = "ECI_EMULATOR_CREDENTIALS"
)

// Container is a running eci-emulator.
type Container struct {
	testcontainers.Container
	accessKeyID     string
	accessKeySecret string
	region          string
}

// Run starts the image and waits until /_emulator/health answers 200.
func Run(ctx context.Context, img string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	defaults := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(port),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/_emulator/health").WithPort(port).WithStatusCodeMatcher(
			func(status int) bool { return status == http.StatusOK })),
	}
	ctr, err := testcontainers.Run(ctx, img, append(defaults, opts...)...)
	var c *Container
	if ctr != nil {
		c = &Container{Container: ctr, accessKeyID: defaultAccessKeyID, accessKeySecret: defaultAccessKeySecret, region: "cn-hangzhou"}
	}
	if err != nil {
		return c, fmt.Errorf("run eci-emulator: %w", err)
	}
	inspected, err := ctr.Inspect(ctx)
	if err != nil {
		return c, fmt.Errorf("inspect eci-emulator: %w", err)
	}
	for _, variable := range inspected.Config.Env {
		if pair, ok := strings.CutPrefix(variable, credentialsVariable+"="); ok {
			c.accessKeyID, c.accessKeySecret = splitPair(pair)
		}
	}
	return c, nil
}

// splitPair reads the first `AK:SECRET[:ACCOUNT]` of a credentials list, as the emulator does.
func splitPair(credentials string) (string, string) {
	first, _, _ := strings.Cut(credentials, ",")
	parts := strings.SplitN(first, ":", 3)
	if len(parts) < 2 {
		return first, ""
	}
	return strings.TrimSpace(parts[0]), parts[1]
}

// WithCredentials has signatures verified for this key pair (any other is refused); the container
// hands it out.
func WithCredentials(accessKeyID, accessKeySecret string) testcontainers.CustomizeRequestOption {
	return testcontainers.WithEnv(map[string]string{credentialsVariable: accessKeyID + ":" + accessKeySecret})
}

// WithLifecycle sets how groups move through their statuses: "time" (the default), "immediate" or
// "manual".
func WithLifecycle(policy string) testcontainers.CustomizeRequestOption {
	return testcontainers.WithEnv(map[string]string{"ECI_EMULATOR_LIFECYCLE": policy})
}

// WithSeed makes ids, addresses and injected randomness the same on every run.
func WithSeed(seed uint64) testcontainers.CustomizeRequestOption {
	return testcontainers.WithEnv(map[string]string{"ECI_EMULATOR_SEED": strconv.FormatUint(seed, 10)})
}

// WithFixtures starts the emulator with a fixture document (JSON) applied.
func WithFixtures(document []byte) testcontainers.CustomizeRequestOption {
	return withFile(document, fixturesFile, "ECI_EMULATOR_FIXTURES")
}

// WithFaults starts the emulator with the fault rules of a faults document (JSON).
func WithFaults(document []byte) testcontainers.CustomizeRequestOption {
	return withFile(document, faultsFile, "ECI_EMULATOR_FAULTS")
}

func withFile(document []byte, path, variable string) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		file := testcontainers.ContainerFile{Reader: bytes.NewReader(document), ContainerFilePath: path, FileMode: 0o644}
		if err := testcontainers.WithFiles(file)(req); err != nil {
			return err
		}
		return testcontainers.WithEnv(map[string]string{variable: path})(req)
	}
}

// WithStateVolume keeps state in the named Docker volume: a later container on it finds every group.
func WithStateVolume(volume string) testcontainers.CustomizeRequestOption {
	return func(req *testcontainers.GenericContainerRequest) error {
		if err := testcontainers.WithMounts(testcontainers.VolumeMount(volume, stateDir))(req); err != nil {
			return err
		}
		return testcontainers.WithEnv(map[string]string{"ECI_EMULATOR_STATE_DIR": stateDir})(req)
	}
}

// APIEndpoint is host:port, as the SDKs' Endpoint setting takes it (with Protocol "HTTP").
func (c *Container) APIEndpoint(ctx context.Context) (string, error) {
	return c.PortEndpoint(ctx, port, "")
}

// Region is the region to hand the SDKs (the emulator serves every region).
func (c *Container) Region() string { return c.region }

// AccessKeyID is the key the emulator takes: the one given WithCredentials, or any.
func (c *Container) AccessKeyID() string { return c.accessKeyID }

// AccessKeySecret is the secret of AccessKeyID.
func (c *Container) AccessKeySecret() string { return c.accessKeySecret }

// SideAPIError is a side-API call the emulator refused.
type SideAPIError struct {
	Status int
	Body   string
}

func (e *SideAPIError) Error() string {
	return fmt.Sprintf("side API answered %d: %s", e.Status, e.Body)
}

// Reset drops every resource; the start fixtures and fault files apply again.
func (c *Container) Reset(ctx context.Context) error {
	return c.sideAPI(ctx, http.MethodPost, "/_emulator/reset", map[string]any{}, nil)
}

// AddFault adds a fault rule ({"action": ..., "code": ...}) and answers its id.
func (c *Container) AddFault(ctx context.Context, rule map[string]any) (string, error) {
	var added struct {
		ID string `json:"id"`
	}
	err := c.sideAPI(ctx, http.MethodPost, "/_emulator/faults", rule, &added)
	return added.ID, err
}

// AdvanceClock moves the emulator's clock forward; what falls due meanwhile happens, each at its time.
func (c *Container) AdvanceClock(ctx context.Context, seconds float64) error {
	return c.sideAPI(ctx, http.MethodPost, "/_emulator/clock", map[string]any{"advanceSeconds": seconds}, nil)
}

// Calls answers the journaled calls, oldest first, filtered by action, product, account, region or
// code (url.Values{"action": {"CreateContainerGroup"}, "code": {"OK"}}).
func (c *Container) Calls(ctx context.Context, filters url.Values) ([]map[string]any, error) {
	var journal struct {
		Calls []map[string]any `json:"calls"`
	}
	path := "/_emulator/calls"
	if len(filters) > 0 {
		path += "?" + filters.Encode()
	}
	err := c.sideAPI(ctx, http.MethodGet, path, nil, &journal)
	return journal.Calls, err
}

// ClearCalls empties the request journal (Reset leaves it).
func (c *Container) ClearCalls(ctx context.Context) error {
	return c.sideAPI(ctx, http.MethodDelete, "/_emulator/calls", nil, nil)
}

func (c *Container) sideAPI(ctx context.Context, method, path string, document, answer any) error {
	endpoint, err := c.APIEndpoint(ctx)
	if err != nil {
		return err
	}
	var body io.Reader
	if document != nil {
		encoded, err := json.Marshal(document)
		if err != nil {
			return err
		}
		body = bytes.NewReader(encoded)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+endpoint+path, body)
	if err != nil {
		return err
	}
	if document != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	read, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return &SideAPIError{Status: resp.StatusCode, Body: string(read)}
	}
	if answer == nil {
		return nil
	}
	return json.Unmarshal(read, answer)
}
