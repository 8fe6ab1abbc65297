package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// TestWaitForRequest waits as an agent does after triggering an action:
// only what finishes after the call counts, unless since reaches back, and
// the match comes with its body.
func TestWaitForRequest(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	r.ext.load(1, "1.1", "https://app.test/api/orders", 201, "before")
	r.counted(s.SessionID, 1)
	r.fetched(s.SessionID, "1.1", "before")

	// Already finished: a wait from now does not see it.
	var res api.WaitResult
	r.must(api.WaitForRequest, api.WaitArgs{SessionID: s.SessionID, URLFilter: "/api/orders", TimeoutSeconds: ptr(1)}, &res)
	if res.Matched || !strings.Contains(res.Reason, "nothing matched within 1s") || !strings.Contains(res.Reason, "since") {
		t.Errorf("a finished request matched a wait begun after it: %+v", res)
	}
	// since reaches back to it, body included. (The fake browser's clock
	// is a year behind: since is earlier still.)
	r.must(api.WaitForRequest, api.WaitArgs{SessionID: s.SessionID, URLFilter: "/api/orders", Since: "2025-01-01T00:00:00Z"}, &res)
	if !res.Matched || res.Request == nil || res.Request.Response == nil || res.Request.Response.Body != "before" {
		t.Fatalf("since: %+v", res)
	}

	// A request that finishes while the wait runs is returned, with its
	// body: the page keeps making them until the wait sees one.
	done := make(chan api.WaitResult, 1)
	go func() {
		var res api.WaitResult
		if err := r.call(api.WaitForRequest, api.WaitArgs{SessionID: s.SessionID, URLFilter: "/api/orders", Method: "get", Status: ptr(201)}, &res); err != nil {
			t.Error(err)
		}
		done <- res
	}()
	var got api.WaitResult
	for i := 2; got.WaitedMs == 0 && !got.Matched; i++ {
		r.ext.load(1, fmt.Sprintf("1.%d", i), "https://app.test/api/orders", 201, fmt.Sprintf("body %d", i))
		select {
		case got = <-done:
		case <-time.After(50 * time.Millisecond):
		}
		if i > 400 {
			t.Fatal("the wait never returned")
		}
	}
	if !got.Matched || got.Request.Request.RequestID == "1.1" || !strings.HasPrefix(got.Request.Response.Body, "body ") {
		t.Errorf("the wait returned %+v", got)
	}

	// Bad arguments say what is wrong.
	for _, c := range []struct {
		args api.WaitArgs
		want string
	}{
		{api.WaitArgs{SessionID: s.SessionID, TimeoutSeconds: ptr(0)}, "timeoutSeconds must be between 1 and 300"},
		{api.WaitArgs{SessionID: s.SessionID, Kind: "frame"}, "kind must be request or wsFrame"},
		{api.WaitArgs{SessionID: s.SessionID, Since: "yesterday"}, "since must be an ISO-8601 time"},
		{api.WaitArgs{SessionID: s.SessionID, URLFilter: "/(/"}, "not a valid regular expression"},
	} {
		if msg := r.fails(api.WaitForRequest, c.args, api.CodeInvalid); !strings.Contains(msg, c.want) {
			t.Errorf("%+v: %q", c.args, msg)
		}
	}

	// A capture that stops ends the wait at once.
	go func() {
		var res api.WaitResult
		r.call(api.WaitForRequest, api.WaitArgs{SessionID: s.SessionID, URLFilter: "/never", TimeoutSeconds: ptr(60)}, &res)
		done <- res
	}()
	r.must(api.StopCapture, api.StopCaptureArgs{SessionID: s.SessionID}, nil)
	select {
	case res := <-done:
		if res.Matched || !strings.Contains(res.Reason, "stopped") {
			t.Errorf("after the stop: %+v", res)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the wait outlived its capture")
	}
}

// TestWaitForARedirectHop: a login form's POST answered 303 matches a
// wait for it (by method, status or URL) as soon as the browser follows
// the redirect, before the page it leads to has loaded.
func TestWaitForARedirectHop(t *testing.T) {
	r := start(t)
	s, _ := r.capturing(1, api.Settings{})
	for name, args := range map[string]api.WaitArgs{
		"method":    {Method: "POST"},
		"status":    {Status: ptr(303)},
		"urlFilter": {URLFilter: "/login"},
	} {
		args.SessionID, args.TimeoutSeconds = s.SessionID, ptr(30)
		done := make(chan api.WaitResult, 1)
		go func() {
			var res api.WaitResult
			if err := r.call(api.WaitForRequest, args, &res); err != nil {
				t.Error(err)
			}
			done <- res
		}()
		// The wait counts only what completes after it began: the person
		// logs in until it sees one.
		var got api.WaitResult
		for i := 1; !got.Matched && got.Reason == ""; i++ {
			r.ext.redirect(1, fmt.Sprintf("%s.%d", name, i), "POST", "https://app.test/login", 303, "https://app.test/home")
			select {
			case got = <-done:
			case <-time.After(50 * time.Millisecond):
			}
			if i > 400 {
				t.Fatalf("%s: the wait never returned", name)
			}
		}
		d := got.Request
		if !got.Matched || d == nil || d.Response == nil || !strings.HasSuffix(d.Request.RequestID, ":redirected.1") ||
			d.Request.Method != "POST" || d.Response.Status != 303 || d.Response.RedirectURL != "https://app.test/home" {
			t.Errorf("%s: the wait returned %+v %+v %+v", name, got, d.Request, d.Response)
		}
	}
}

// TestARefusedOutputPathStopsNothing: a stop whose file cannot be written
// says why, and the capture runs on with everything it held.
func TestARefusedOutputPathStopsNothing(t *testing.T) {
	r := start(t)
	t.Setenv("TABTAP_CAPTURES_DIR", t.TempDir())
	s, _ := r.capturing(1, api.Settings{})
	r.ext.load(1, "1.1", "https://app.test/a", 200, "a")
	r.counted(s.SessionID, 1)
	existing := filepath.Join(t.TempDir(), "kept.json")
	os.WriteFile(existing, []byte("mine"), 0o600)
	for path, want := range map[string]string{
		existing:                 "already exists",
		"/no/such/folder/c.json": "does not exist",
		"notes.txt":              "must end in .json or .har",
	} {
		msg := r.fails(api.StopCapture, api.StopCaptureArgs{SessionID: s.SessionID, OutputPath: path}, api.CodeInvalid)
		if !strings.Contains(msg, want) {
			t.Errorf("%s: %q", path, msg)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "mine" {
		t.Error("an existing file was replaced")
	}
	if st := r.status(s.SessionID); st.Status != "active" || st.CurrentStats.Requests != 1 {
		t.Errorf("after refused stops: %+v", st)
	}
	var res api.StopResult
	r.must(api.StopCapture, api.StopCaptureArgs{SessionID: s.SessionID, OutputPath: "c.json"}, &res)
	if b, err := os.ReadFile(res.OutputPath); err != nil || !strings.Contains(string(b), "https://app.test/a") || int64(len(b)) != res.BytesWritten {
		t.Errorf("the written capture: %v %+v", err, res)
	}
}
