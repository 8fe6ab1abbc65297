package e2e

import (
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// TestStopRightAfterAFloodKeepsOrCountsEverything stops a capture the
// moment the page's last frame arrived, at the end of a flood of 50,000
// frames: the ordinary agent pattern ("the page says it is done: stop").
// Everything the browser emitted before the stop is in the capture or
// counted as dropped: kept + dropped = sent, for frames and for requests.
// With the default options nothing is dropped.
func TestStopRightAfterAFloodKeepsOrCountsEverything(t *testing.T) {
	const fetches, frames = 200, 50_000
	e := newEnv(t)
	e.launch()
	site := newLoadSite(t, fetches, frames)
	var sess api.Session
	e.tool("initialize_session", map[string]any{"url": "about:blank"}, &sess)
	e.tool("start_network_capture", map[string]any{"sessionId": sess.SessionID, "url": site.URL + "/load?quiet"}, nil)
	select {
	case <-site.arrived:
	case <-time.After(5 * time.Minute):
		t.Fatalf("the flood did not end: %d frames sent", site.sent.Load())
	}
	stopAt := time.Now()
	full, _ := e.wholeCapture(sess.SessionID)
	stopTook := time.Since(stopAt)
	served, exchanged := int(site.served.Load()), int(site.sent.Load()+site.received.Load())
	d := full.Dropped
	kept, keptFrames := len(full.Data.Requests), len(full.Data.WSFrames)
	t.Logf("stop at the page's last frame took %v: frames kept %d + dropped %d of %d sent; requests kept %d + dropped %d of %d served; dropped %+v",
		stopTook.Round(time.Millisecond), keptFrames, d.WSFrames, exchanged, kept, d.Requests, served, d)
	if keptFrames+d.WSFrames != exchanged {
		t.Errorf("frames: kept %d + dropped %d, the page and its server exchanged %d", keptFrames, d.WSFrames, exchanged)
	}
	if kept+d.Requests != served {
		t.Errorf("requests: kept %d + dropped %d, the server answered %d", kept, d.Requests, served)
	}
	if d.Total() != 0 {
		t.Errorf("the default options dropped something: %+v", d)
	}
}
