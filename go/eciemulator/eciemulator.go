// Package eciemulator runs eci-emulator, the local emulator of the Alibaba Cloud ECI OpenAPI (and of
// the VPC, ECS and STS calls around it), for Go tests: the counterpart of the Python package's pytest
// plugin.
//
// Start runs the binary named by ECI_EMULATOR_BIN, or eci-emulator found on PATH, on a free loopback
// port, waits until it is healthy and stops it when the test ends:
//
//	func TestCreate(t *testing.T) {
//		emu := eciemulator.Start(t, eciemulator.WithLifecycle("immediate"))
//		config := &openapi.Config{
//			AccessKeyId:     tea.String("LTAI5tExample"),
//			AccessKeySecret: tea.String("anything"),
//			Endpoint:        tea.String(emu.Endpoint),
//			Protocol:        tea.String("HTTP"),
//			RegionId:        tea.String("cn-hangzhou"),
//		}
//		client, _ := eci.NewClient(config)
//		...
//	}
//
// One emulator can serve a whole package: start it in TestMain with StartMain, and call Reset at the
// start of each test that needs an empty one. Advance moves the emulator's clock (start it with
// WithArgs("--clock", "frozen") for time that moves only then), Calls reads the request journal and
// Coverage the call-coverage report. The rest of the side API (lifecycle, fixtures) is reached with Do.
package eciemulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Emulator is one running eci-emulator.
type Emulator struct {
	// Endpoint is host:port, as the SDKs' Endpoint setting takes it (with Protocol "HTTP").
	Endpoint string
	// URL is the base of the side API, http://host:port.
	URL     string
	process *exec.Cmd
	done    chan error
	client  *http.Client
	stop    sync.Once
}

type config struct {
	binary string
	args   []string
	wait   time.Duration
}

// Option changes how the emulator is started.
type Option func(*config)

// WithBinary runs this binary instead of ECI_EMULATOR_BIN or eci-emulator on PATH.
func WithBinary(path string) Option { return func(c *config) { c.binary = path } }

// WithArgs adds command-line flags (see eci-emulator --help), such as "--credentials", "AK:SECRET".
func WithArgs(args ...string) Option { return func(c *config) { c.args = append(c.args, args...) } }

// WithLifecycle sets how container groups move: "time" (the default), "immediate" or "manual".
func WithLifecycle(mode string) Option { return WithArgs("--lifecycle", mode) }

// WithStartTimeout bounds the wait for the emulator to become healthy (10 s unless set).
func WithStartTimeout(d time.Duration) Option { return func(c *config) { c.wait = d } }

// Start runs an emulator for the test and stops it in t.Cleanup. It fails the test if the binary
// cannot be found or does not become healthy.
func Start(t testing.TB, options ...Option) *Emulator {
	t.Helper()
	emu, err := start(options...)
	if err != nil {
		t.Fatalf("eciemulator: %v", err)
	}
	t.Cleanup(func() { _ = emu.Stop() })
	return emu
}

// StartMain runs an emulator for a whole package from TestMain; stop it with Stop after m.Run.
func StartMain(options ...Option) (*Emulator, error) {
	return start(options...)
}

func start(options ...Option) (*Emulator, error) {
	c := config{wait: 10 * time.Second}
	for _, option := range options {
		option(&c)
	}
	binary, err := findBinary(c.binary)
	if err != nil {
		return nil, err
	}
	endpoint, err := freeEndpoint()
	if err != nil {
		return nil, err
	}
	process := exec.Command(binary, append([]string{"--listen", endpoint}, c.args...)...)
	process.Stdout = io.Discard
	process.Stderr = os.Stderr
	if os.Getenv("RUST_LOG") == "" {
		// Only warnings and errors reach the test's output unless asked for more.
		process.Env = append(os.Environ(), "RUST_LOG=warn")
	}
	if err := process.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", binary, err)
	}
	emu := &Emulator{
		Endpoint: endpoint,
		URL:      "http://" + endpoint,
		process:  process,
		done:     make(chan error, 1),
		client:   &http.Client{Timeout: 10 * time.Second},
	}
	go func() { emu.done <- process.Wait() }()
	if err := emu.waitHealthy(c.wait); err != nil {
		_ = emu.Stop()
		return nil, err
	}
	return emu, nil
}

func findBinary(named string) (string, error) {
	if named != "" {
		return named, nil
	}
	if fromEnv := os.Getenv("ECI_EMULATOR_BIN"); fromEnv != "" {
		return fromEnv, nil
	}
	path, err := exec.LookPath("eci-emulator")
	if err != nil {
		return "", errors.New("no eci-emulator binary: set ECI_EMULATOR_BIN or put eci-emulator on PATH")
	}
	return path, nil
}

// freeEndpoint is a loopback address no one listens on now.
func freeEndpoint() (string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer listener.Close()
	return listener.Addr().String(), nil
}

func (e *Emulator) waitHealthy(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-e.done:
			return fmt.Errorf("the emulator exited before it was healthy: %v", err)
		default:
		}
		if status, _, err := e.Do(http.MethodGet, "/_emulator/health", nil); err == nil && status == http.StatusOK {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the emulator at %s was not healthy within %s", e.Endpoint, limit)
}

// Do calls the side API: a JSON body when document is not nil; it answers the status and the body.
func (e *Emulator) Do(method, path string, document any) (int, []byte, error) {
	var body io.Reader
	if document != nil {
		encoded, err := json.Marshal(document)
		if err != nil {
			return 0, nil, err
		}
		body = bytes.NewReader(encoded)
	}
	request, err := http.NewRequest(method, e.URL+path, body)
	if err != nil {
		return 0, nil, err
	}
	if document != nil {
		request.Header.Set("Content-Type", "application/json")
	}
	response, err := e.client.Do(request)
	if err != nil {
		return 0, nil, err
	}
	defer response.Body.Close()
	answer, err := io.ReadAll(response.Body)
	return response.StatusCode, answer, err
}

// Reset empties the emulator (groups, networks made through the API, faults), as at its start.
func (e *Emulator) Reset(t testing.TB) {
	t.Helper()
	e.must(t, http.MethodPost, "/_emulator/reset", nil, http.StatusOK)
}

// AddFault adds a fault rule (see docs/faults.md) and answers its id.
func (e *Emulator) AddFault(t testing.TB, rule map[string]any) string {
	t.Helper()
	body := e.must(t, http.MethodPost, "/_emulator/faults", rule, http.StatusCreated)
	var added struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &added); err != nil {
		t.Fatalf("eciemulator: a fault's answer: %v", err)
	}
	return added.ID
}

// Capacity declares how many groups of a size fit in a zone (docs/capacity.md). Spec is "2-4"
// (vCPU-GiB), an instance type, or "*" (any size; the default when empty).
type Capacity struct {
	RegionID string `json:"regionId"`
	ZoneID   string `json:"zoneId"`
	Spec     string `json:"spec,omitempty"`
	Groups   uint32 `json:"groups"`
}

// PricePoint is one step of a price series: from At on (seconds from now, or an RFC 3339 time as a
// string), the hourly spot price is Price.
type PricePoint struct {
	At    any     `json:"at"`
	Price float64 `json:"price"`
}

// PriceSeries is one slot's spot price over time.
type PriceSeries struct {
	RegionID string       `json:"regionId"`
	ZoneID   string       `json:"zoneId"`
	Spec     string       `json:"spec"`
	Prices   []PricePoint `json:"prices"`
}

// Walk is a seeded walk of every slot without a series around the catalogue's spot price.
type Walk struct {
	Seed        uint64  `json:"seed"`
	StepMinutes uint32  `json:"stepMinutes,omitempty"`
	Volatility  float64 `json:"volatility,omitempty"`
}

// SpotMarket is the spot market's declaration.
type SpotMarket struct {
	Series []PriceSeries `json:"series,omitempty"`
	Walk   *Walk         `json:"walk,omitempty"`
}

// World is the capacity and the spot market a test runs against; a nil part is left as it is.
type World struct {
	Capacity   []Capacity
	SpotMarket *SpotMarket
}

// SetWorld declares zone capacity and the spot market in one call: Capacity replaces every
// declaration when not nil, SpotMarket replaces the market when not nil.
func (e *Emulator) SetWorld(t testing.TB, world World) {
	t.Helper()
	if world.Capacity != nil {
		e.must(t, http.MethodPut, "/_emulator/capacity", map[string]any{"capacity": world.Capacity}, http.StatusOK)
	}
	if world.SpotMarket != nil {
		e.must(t, http.MethodPut, "/_emulator/spot-market", world.SpotMarket, http.StatusOK)
	}
}

// Clock is the emulator's time, as GET /_emulator/clock answers it.
type Clock struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
}

// Advance moves the emulator's clock forward by seconds: whatever falls due meanwhile (stage
// transitions, expiries, deadlines) happens, each at its own time. It answers the clock after.
func (e *Emulator) Advance(t testing.TB, seconds float64) Clock {
	t.Helper()
	return e.changeClock(t, map[string]any{"advanceSeconds": seconds})
}

// Freeze stops the clock where it is (true) or lets it run on from there (false).
func (e *Emulator) Freeze(t testing.TB, frozen bool) Clock {
	t.Helper()
	return e.changeClock(t, map[string]any{"freeze": frozen})
}

func (e *Emulator) changeClock(t testing.TB, change map[string]any) Clock {
	t.Helper()
	var clock Clock
	e.decode(t, e.must(t, http.MethodPost, "/_emulator/clock", change, http.StatusOK), &clock)
	return clock
}

// Call is one journaled call, as GET /_emulator/calls lists it.
type Call struct {
	Seq       uint64            `json:"seq"`
	At        time.Time         `json:"at"`
	Product   string            `json:"product"`
	Action    string            `json:"action"`
	Account   string            `json:"account"`
	Region    string            `json:"region"`
	Status    int               `json:"status"`
	Code      string            `json:"code"`
	RequestID string            `json:"requestId"`
	Faults    []string          `json:"faults"`
	Millis    float64           `json:"millis"`
	Params    map[string]string `json:"params"`
}

// Calls answers the journaled calls that match filter (action, product, account, region, code —
// "OK" for successes —, since, limit; see docs/side-api.md), oldest first.
func (e *Emulator) Calls(t testing.TB, filter url.Values) []Call {
	t.Helper()
	var page struct {
		Calls []Call `json:"calls"`
	}
	e.decode(t, e.must(t, http.MethodGet, "/_emulator/calls?"+filter.Encode(), nil, http.StatusOK), &page)
	return page.Calls
}

// ClearCalls empties the request journal.
func (e *Emulator) ClearCalls(t testing.TB) {
	t.Helper()
	e.must(t, http.MethodDelete, "/_emulator/calls", nil, http.StatusOK)
}

// Coverage answers the call-coverage report (docs/observability.md) as decoded JSON.
func (e *Emulator) Coverage(t testing.TB) map[string]any {
	t.Helper()
	var report map[string]any
	e.decode(t, e.must(t, http.MethodGet, "/_emulator/coverage", nil, http.StatusOK), &report)
	return report
}

func (e *Emulator) decode(t testing.TB, body []byte, into any) {
	t.Helper()
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("eciemulator: an answer of the side API: %v: %s", err, body)
	}
}

func (e *Emulator) must(t testing.TB, method, path string, document any, want int) []byte {
	t.Helper()
	status, body, err := e.Do(method, path, document)
	if err != nil {
		t.Fatalf("eciemulator: %s %s: %v", method, path, err)
	}
	if status != want {
		t.Fatalf("eciemulator: %s %s answered %d: %s", method, path, status, body)
	}
	return body
}

// Stop ends the emulator (SIGTERM, then SIGKILL after five seconds) and waits for it; later calls do
// nothing.
func (e *Emulator) Stop() error {
	var err error
	e.stop.Do(func() {
		_ = e.process.Process.Signal(syscall.SIGTERM)
		select {
		case <-e.done:
		case <-time.After(5 * time.Second):
			_ = e.process.Process.Kill()
			err = fmt.Errorf("the emulator did not stop on SIGTERM: %v", <-e.done)
		}
	})
	return err
}
