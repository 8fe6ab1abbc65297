package e2e

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/har/hartest"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// TestPopupCaptureHandedToAgent is the person's path: the popup's Start
// button captures a tab, an agent finds that capture with list_captures
// and stops it, and the popup's Download HAR button saves a valid HAR.
func TestPopupCaptureHandedToAgent(t *testing.T) {
	e := newEnv(t)
	site := newSite(t)
	e.launch()

	e.devtoolsGet("/json/new?" + site.URL + "/page")
	waitForDone(t, site)
	var tabs api.ListTabsResult
	e.tool("list_tabs", nil, &tabs)
	var tabID int64
	for _, tb := range tabs.Tabs {
		if strings.HasSuffix(tb.URL, "/page") {
			tabID = tb.TabID
		}
	}
	if tabID == 0 {
		t.Fatalf("the page's tab is not in list_tabs: %+v", tabs)
	}

	// The person opens the popup on that tab and presses Start, asking
	// for a reload so the page load is captured.
	popupURL := "chrome-extension://" + nativehost.ExtensionID + "/popup.html?tabId=" + jsonNumber(tabID)
	e.devtoolsGet("/json/new?" + url.PathEscape(popupURL))
	_, popup := e.target("popup.html")
	defer func() {
		if t.Failed() {
			t.Logf("the popup shows: pill %s, message %s, status %s, tab %s", e.evaluateValue(popup, `document.querySelector('#conn').textContent`),
				e.evaluateValue(popup, `document.querySelector('#message').textContent`), e.evaluateValue(popup, `document.querySelector('#current-status').textContent`),
				e.evaluateValue(popup, `document.querySelector('#tab-url').textContent`))
		}
	}()
	waitFor(t, "the popup to reach the daemon", func() bool {
		var ready bool
		// The pill reads "Connected" only once the popup has rendered what the daemon said.
		_ = json.Unmarshal(e.evaluateValue(popup, `document.querySelector('#conn').textContent.startsWith('Connected') && !document.querySelector('#start').disabled && document.querySelector('#offline').hidden`), &ready)
		return ready
	})
	e.evaluate(popup, `document.querySelector('#reload').checked = true; document.querySelector('#start').click()`, true)

	// The agent sees the popup's capture and its session.
	var info api.CaptureInfo
	waitFor(t, "the popup's capture in list_captures", func() bool {
		var list api.ListCapturesResult
		e.tool("list_captures", nil, &list)
		for _, c := range list.Captures {
			if c.TabID == tabID && c.StartedBy == "popup" && c.Status == "active" && c.Summary.TotalResponses >= len(expected) {
				info = c
				return true
			}
		}
		return false
	})
	var stopped api.StopResult
	e.tool("stop_network_capture", map[string]any{"sessionId": info.SessionID}, &stopped)
	if full, _ := e.wholeCapture(info.SessionID); findRequest(full.Data, site, "POST", "/api/post") == nil {
		t.Fatalf("the popup's capture, stopped by the agent, lacks the page's POST: %+v", stopped.Summary)
	}

	// The popup shows the capture stopped, and downloads it as HAR.
	b, file := e.popupHAR(popup)
	if err := hartest.Validate(b); err != nil {
		t.Fatalf("the downloaded HAR is not valid: %v", err)
	}
	if !strings.Contains(string(b), site.URL+"/api/post") {
		t.Error("the downloaded HAR lacks the page's requests")
	}
	t.Logf("popup capture %s: %d requests, HAR %s (%d bytes)", info.CaptureID, stopped.Summary.TotalRequests, filepath.Base(file), len(b))
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func mustGlob(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, "*"))
	return m
}
