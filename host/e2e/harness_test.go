package e2e

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/install/nativehost"
	"github.com/tabtap/tabtap/host/release"
)

// env is one end-to-end setup: an installed host, a runtime directory, an
// MCP client, and (once launched) a browser.
type env struct {
	t          testing.TB
	binary     string
	extension  string
	profile    string
	runtimeDir string
	mcp        *client.Client
	browser    *exec.Cmd
	devtools   string // host:port of the browser's DevTools endpoint
	logs       string
	downloads  string   // where the browser saves downloads
	browserEnv []string // added to the browser's environment (so its daemon's too)
}

// findChromium returns the browser to test with. Without one the test
// fails, on CI always; elsewhere TABTAP_E2E=off skips it deliberately.
func findChromium(t testing.TB) string {
	if p := os.Getenv("TABTAP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-for-testing"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("TABTAP_E2E") == "off" && os.Getenv("CI") == "" {
		t.Skip("TABTAP_E2E=off: end-to-end tests skipped on request")
	}
	t.Fatal("Chromium not found: install it (apt-get install -y chromium) or set TABTAP_CHROMIUM to its path; " +
		"the end-to-end tests need a real browser (set TABTAP_E2E=off to skip them outside CI)")
	return ""
}

// newEnv installs the host into a temporary profile with the installer's
// own code and starts `tabtap mcp` with an MCP client. The browser is not
// started yet.
func newEnv(t testing.TB) *env {
	t.Helper()
	e := bareEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := nativehost.Install(ctx, nativehost.Options{
		UserDataDirs: []string{e.profile},
		BinDir:       t.TempDir(),
		Binary:       builtBinary(t),
		Out:          testWriter{t},
	})
	if err != nil {
		t.Fatalf("installing: %v", err)
	}
	e.binary, e.extension = res.BinaryPath, res.ExtensionDir
	e.mcp = e.startMCP(e.binary, []string{"mcp"})
	t.Cleanup(func() {
		if t.Failed() {
			e.dumpLogs()
		}
	})
	return e
}

// bareEnv is an end-to-end setup with nothing installed yet: a profile, a
// runtime directory and a folder for logs.
func bareEnv(t testing.TB) *env {
	t.Helper()
	findChromium(t)
	e := &env{t: t, profile: t.TempDir(), logs: t.TempDir()}
	// A short runtime directory: unix socket paths are limited to ~100 bytes.
	rd, err := os.MkdirTemp("", "tt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(rd) })
	e.runtimeDir = rd
	return e
}

// startMCP starts an MCP server as an MCP client does, command with args
// (plus environ), in the test's runtime directory, and initializes the
// session. It closes when the test ends.
func (e *env) startMCP(command string, args []string, environ ...string) *client.Client {
	t := e.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	environ = append(environ, "TABTAP_RUNTIME_DIR="+e.runtimeDir, "TABTAP_LOG=debug")
	c, err := client.NewStdioMCPClient(command, environ, args...)
	if err != nil {
		t.Fatalf("starting %s %v: %v", command, args, err)
	}
	t.Cleanup(func() { c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ClientInfo = mcp.Implementation{Name: "tabtap-e2e", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("initializing the MCP session: %v", err)
	}
	return c
}

// What the tests build once for the whole run goes into a folder of its
// own, removed by TestMain.
var (
	scratchOnce sync.Once
	scratch     string
	scratchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if scratch != "" {
		os.RemoveAll(scratch)
	}
	os.Exit(code)
}

// scratchDir is that folder.
func scratchDir() (string, error) {
	scratchOnce.Do(func() { scratch, scratchErr = os.MkdirTemp("", "tabtap-e2e-build-") })
	return scratch, scratchErr
}

// The tabtap binary of this checkout, built once for every test of the
// run.
var (
	buildOnce sync.Once
	built     string
	buildErr  error
)

// builtBinary is the tabtap binary of this checkout, built as the
// installer run from a checkout builds it.
func builtBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		var root string
		if root, buildErr = moduleRoot(); buildErr != nil {
			return
		}
		var dir string
		if dir, buildErr = scratchDir(); buildErr != nil {
			return
		}
		built = filepath.Join(dir, "tabtap")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		buildErr = release.Build{ModuleRoot: root, Out: built}.Run(ctx)
	})
	if buildErr != nil {
		t.Fatalf("building tabtap: %v", buildErr)
	}
	return built
}

// moduleRoot is the checkout these tests are in.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return release.FindModuleRoot(wd)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// launch starts Chromium with the extension, and waits until its daemon
// answers list_tabs through the MCP server.
func (e *env) launch() {
	t := e.t
	t.Helper()
	chromium := findChromium(t)
	// Downloads go to a folder of the test's, without asking.
	e.downloads = t.TempDir()
	prefs, _ := json.Marshal(map[string]any{"download": map[string]any{"default_directory": e.downloads, "prompt_for_download": false}})
	if err := os.MkdirAll(filepath.Join(e.profile, "Default"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.profile, "Default", "Preferences"), prefs, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(e.profile, "DevToolsActivePort")) // a previous browser's
	logFile, err := os.Create(filepath.Join(e.logs, "chromium.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chromium, chromiumArgs(e.profile, e.extension)...)
	cmd.Env = append(append(os.Environ(), "TABTAP_RUNTIME_DIR="+e.runtimeDir, "TABTAP_LOG=debug"), e.browserEnv...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	e.browser = cmd
	t.Cleanup(e.closeBrowser)

	deadline := time.Now().Add(45 * time.Second)
	for {
		if b, err := os.ReadFile(filepath.Join(e.profile, "DevToolsActivePort")); err == nil {
			if port, _, ok := strings.Cut(string(b), "\n"); ok && port != "" {
				e.devtools = "127.0.0.1:" + port
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("Chromium did not open its DevTools port within 45 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for {
		res, err := e.call("list_tabs", nil)
		if err == nil && !res.IsError {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the extension's daemon did not answer within 45 s: %v %s", err, text(res))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// chromiumArgs are the flags every test starts Chromium with: headless, a
// profile of its own, one unpacked extension, a DevTools port, a blank tab.
func chromiumArgs(profile, extension string) []string {
	return []string{
		"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-default-browser-check", "--disable-features=Translate,MediaRouter",
		"--user-data-dir=" + profile,
		"--load-extension=" + extension, "--disable-extensions-except=" + extension,
		"--remote-debugging-port=0", "--remote-allow-origins=*",
		"about:blank",
	}
}

// closeBrowser ends Chromium and everything it started.
func (e *env) closeBrowser() {
	if e.browser == nil || e.browser.Process == nil {
		return
	}
	stopProcessGroup(e.browser, false)
	done := make(chan struct{})
	go func() { e.browser.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		stopProcessGroup(e.browser, true)
		<-done
	}
	e.browser = nil
}

// bodyReads waits for the daemon's log line of a capture's stop and
// returns how many bodies the extension read on its own and how many the
// daemon asked it for.
func (e *env) bodyReads(captureID string) (byTheWorker, asked int) {
	e.t.Helper()
	re := regexp.MustCompile(`msg="capture stopped" capture=` + regexp.QuoteMeta(captureID) + ` .*bodiesReadByTheBrowserSide=(\d+) bodiesAskedFor=(\d+)`)
	var m []string
	waitFor(e.t, "the daemon to log the stop of "+captureID, func() bool {
		b, _ := os.ReadFile(filepath.Join(e.runtimeDir, "daemon.log"))
		m = re.FindStringSubmatch(string(b))
		return m != nil
	})
	byTheWorker, _ = strconv.Atoi(m[1])
	asked, _ = strconv.Atoi(m[2])
	return byTheWorker, asked
}

func (e *env) dumpLogs() {
	for _, f := range []string{filepath.Join(e.runtimeDir, "daemon.log"), filepath.Join(e.logs, "chromium.log")} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		lines := strings.Split(string(b), "\n")
		if len(lines) > 150 {
			lines = lines[len(lines)-150:]
		}
		e.t.Logf("--- %s (tail) ---\n%s", f, strings.Join(lines, "\n"))
	}
}

// call calls a tool with a bounded wait.
func (e *env) call(name string, args map[string]any) (*mcp.CallToolResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	if args != nil {
		req.Params.Arguments = args
	}
	return e.mcp.CallTool(ctx, req)
}

// tool calls a tool that must succeed and decodes its structured result.
func (e *env) tool(name string, args map[string]any, out any) {
	e.t.Helper()
	res, err := e.call(name, args)
	if err != nil {
		e.t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		e.t.Fatalf("%s failed: %s", name, text(res))
	}
	raw := res.RawStructuredContent
	if len(raw) == 0 {
		b, err := json.Marshal(res.StructuredContent)
		if err != nil {
			e.t.Fatal(err)
		}
		raw = b
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s: decoding %s: %v", name, raw, err)
		}
	}
}

// toolError calls a tool that must fail and returns its message.
func (e *env) toolError(name string, args map[string]any) string {
	e.t.Helper()
	res, err := e.call(name, args)
	if err != nil {
		e.t.Fatalf("%s: %v", name, err)
	}
	if !res.IsError {
		e.t.Fatalf("%s succeeded, want an error: %s", name, text(res))
	}
	return text(res)
}

func text(res *mcp.CallToolResult) string {
	if res == nil {
		return ""
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// closeTab closes a tab from outside, as a person would, through the
// browser's DevTools endpoint.
func (e *env) closeTab(urlPart string) {
	e.t.Helper()
	id, _ := e.target(urlPart)
	e.devtoolsGet("/json/close/" + id)
}

// target finds a page target of the browser by part of its URL.
func (e *env) target(urlPart string) (id, wsURL string) {
	e.t.Helper()
	return e.targetOf("page", urlPart)
}

// devtoolsTarget is one entry of the browser's /json/list.
type devtoolsTarget struct {
	ID, Type, URL        string
	WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
}

// targets lists the browser's DevTools targets.
func (e *env) targets() []devtoolsTarget {
	e.t.Helper()
	resp, err := http.Get("http://" + e.devtools + "/json/list")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var targets []devtoolsTarget
	if err := json.NewDecoder(resp.Body).Decode(&targets); err != nil {
		e.t.Fatal(err)
	}
	return targets
}

// targetOf finds a DevTools target by type and part of its URL.
func (e *env) targetOf(typ, urlPart string) (id, wsURL string) {
	e.t.Helper()
	targets := e.targets()
	for _, tg := range targets {
		if tg.Type == typ && strings.Contains(tg.URL, urlPart) {
			return tg.ID, tg.WebSocketDebuggerURL
		}
	}
	e.t.Fatalf("no tab with %q among %v", urlPart, targets)
	return "", ""
}

// evaluate runs JavaScript in a DevTools target (a page, or the
// extension's service worker) and returns the result's JSON.
func (e *env) evaluate(wsURL, expr string, userGesture bool) json.RawMessage {
	e.t.Helper()
	return e.cdp(wsURL, "Runtime.evaluate", map[string]any{
		"expression": expr, "userGesture": userGesture, "awaitPromise": true, "returnByValue": true,
	})
}

// evaluateValue runs JavaScript in a target and returns its value's JSON.
func (e *env) evaluateValue(wsURL, expr string) json.RawMessage {
	e.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
	}
	_ = json.Unmarshal(e.evaluate(wsURL, expr, false), &r)
	return r.Result.Value
}

// cdp sends one DevTools Protocol command to a target and returns its
// result (nil when the target went away answering, as a reloaded worker
// does).
func (e *env) cdp(wsURL, method string, params any) json.RawMessage {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		e.t.Fatalf("connecting to DevTools: %v", err)
	}
	defer c.CloseNow()
	msg, _ := json.Marshal(map[string]any{"id": 1, "method": method, "params": params})
	if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
		e.t.Fatal(err)
	}
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return nil
		}
		var r struct {
			ID     int             `json:"id"`
			Error  json.RawMessage `json:"error"`
			Result json.RawMessage `json:"result"`
		}
		if json.Unmarshal(b, &r) == nil && r.ID == 1 {
			if r.Error != nil {
				e.t.Fatalf("%s: %s", method, r.Error)
			}
			return r.Result
		}
	}
}

// click clicks an element of a tab as a person would (with a user
// gesture, so that a link may open a popup), through the browser's
// DevTools endpoint.
func (e *env) click(urlPart, selector string) {
	e.t.Helper()
	_, wsURL := e.target(urlPart)
	e.evaluate(wsURL, "document.querySelector("+strconv.Quote(selector)+").click()", true)
}

// restartServiceWorker ends the extension's service worker, as the
// browser may at any time, then opens a tab, an event that starts it
// again: the browser closes the old daemon's port and starts a new one.
func (e *env) restartServiceWorker() {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var asked time.Time
	for {
		id := ""
		for _, tg := range e.targets() {
			if tg.Type == "service_worker" && strings.Contains(tg.URL, nativehost.ExtensionID) {
				id = tg.ID
			}
		}
		if id == "" {
			break
		}
		if time.Now().After(deadline) {
			e.t.Fatal("the service worker did not stop within 30 s")
		}
		if time.Since(asked) > 2*time.Second {
			// Ask again now and then: a busy browser may not act at once.
			e.devtoolsGet("/json/close/" + id)
			asked = time.Now()
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.devtoolsGet("/json/new?about:blank")
}

// devtoolsGet calls the browser's DevTools HTTP endpoint.
func (e *env) devtoolsGet(path string) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPut, "http://"+e.devtools+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	r.Body.Close()
}

// capturePage is the preamble of the tests that capture a page load: it
// opens a blank tab, starts capturing it with the page at path of s loaded
// under capture, and waits until the page's script has reported, without
// errors, that it is done.
func (e *env) capturePage(s *site, path string) (api.Session, api.StartCaptureResult) {
	e.t.Helper()
	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	if sess.SessionID == "" || sess.TabID == 0 {
		e.t.Fatalf("initialize_session: %+v", sess)
	}
	var started api.StartCaptureResult
	e.tool("start_network_capture", map[string]any{"sessionId": sess.SessionID, "url": s.URL + path}, &started)
	if !strings.HasPrefix(started.CaptureID, "capture_") || !started.Options.RedactSecrets || !started.Options.CaptureBodies {
		e.t.Fatalf("start_network_capture: %+v", started)
	}
	waitForDone(e.t, s)
	if errs := s.pageErrors(); errs != "" {
		e.t.Fatalf("the page's script failed: %s", errs)
	}
	return sess, started
}

// waitForDone waits until the site's page has reported that it is done.
func waitForDone(t testing.TB, s *site) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(45 * time.Second):
		t.Fatalf("the page did not finish; the server saw %v", s.requests())
	}
}

// status waits until a session's status satisfies ok, and returns it.
func (e *env) status(sessionID, what string, ok func(api.StatusResult) bool) api.StatusResult {
	e.t.Helper()
	var st api.StatusResult
	waitFor(e.t, what, func() bool {
		e.tool("get_network_capture_status", map[string]any{"sessionId": sessionID}, &st)
		return ok(st)
	})
	return st
}

// loopback listens on a loopback address, port chosen by the system.
func loopback(t testing.TB, ip string) net.Listener {
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatalf("listening on %s: %v", ip, err)
	}
	return ln
}

// wireSize is the size of a tool result as the client receives it.
func wireSize(res *mcp.CallToolResult) int {
	b, err := json.Marshal(res)
	if err != nil {
		return 0
	}
	return len(b)
}

// wholeCapture writes a session's capture to a file with outputPath and
// reads it back: every record, whole.
func (e *env) wholeCapture(session string) (api.StopResult, []byte) {
	e.t.Helper()
	path := filepath.Join(e.t.TempDir(), "capture.json")
	var written api.StopResult
	e.tool("stop_network_capture", map[string]any{"sessionId": session, "outputPath": path}, &written)
	if written.OutputPath != path || written.Data != nil {
		e.t.Fatalf("stop_network_capture with outputPath: %+v", written)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	var full api.StopResult
	if err := json.Unmarshal(b, &full); err != nil {
		e.t.Fatalf("the capture file is not JSON: %v", err)
	}
	if full.Data == nil {
		e.t.Fatal("the capture file holds no data")
	}
	if int64(len(b)) != written.BytesWritten {
		e.t.Errorf("bytesWritten %d, the file has %d", written.BytesWritten, len(b))
	}
	return full, b
}
