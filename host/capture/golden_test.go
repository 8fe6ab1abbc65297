package capture

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// updateGolden rewrites testdata/replay.golden.json from what the engine
// gives now: go test ./host/capture -run TestReplayGolden -update.
var updateGolden = flag.Bool("update", false, "rewrite the golden records in testdata")

// goldenReplay is what one replay gave: the records and what the status
// counts of them.
type goldenReplay struct {
	Data     api.Data          `json:"data"`
	Summary  api.Summary       `json:"summary"`
	Bytes    int64             `json:"bytesHeld"`
	Dropped  api.Dropped       `json:"dropped"`
	Redacted *api.Redactions   `json:"redacted"`
	Sent     map[string]string `json:"sent,omitempty"`
}

// replayGolden replays evs into a capture with settings s and a clock
// that stands still, and returns what it holds once its fetches are done.
// sentTag, when set, is registered as a request sent as the person.
func replayGolden(t *testing.T, evs []Event, s api.Settings, prepare func(*fakeBrowser), sentTag string) goldenReplay {
	t.Helper()
	c, _ := replaying(t, evs, s, prepare)
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	c.mu.Lock()
	c.clock.now = func() time.Time { return at }
	c.mu.Unlock()
	if sentTag != "" && !c.ExpectSent(sentTag) {
		t.Fatal("the capture does not run")
	}
	for _, ev := range evs {
		c.HandleEvent(ev)
	}
	settle(c)
	st, d := c.Snapshot()
	g := goldenReplay{Data: d, Summary: st.Summary, Bytes: st.BytesHeld, Dropped: st.Dropped, Redacted: st.Redacted}
	if sentTag != "" {
		id, _ := c.SentRequest(sentTag)
		g.Sent = map[string]string{sentTag: id}
	}
	return g
}

// TestReplayGolden replays the recordings, the edge events and the
// benchmarks' page load, with secrets hidden and not, and checks that the
// records are those the engine gave when the golden file was written: a
// change to how events are decoded must not change a record.
func TestReplayGolden(t *testing.T) {
	http, live := recorded(t, "http-page.jsonl"), recorded(t, "live-page.jsonl")
	off := false
	got := map[string]goldenReplay{}
	for _, v := range []struct {
		name string
		s    api.Settings
	}{{"default", api.Settings{}}, {"unredacted", api.Settings{RedactSecrets: &off}}} {
		got["http-page/"+v.name] = replayGolden(t, http, v.s, func(b *fakeBrowser) {
			b.bodies[idOf(http, "/api/get")] = fakeBody{body: `{"items":[1,2,3]}`}
		}, "")
		got["live-page/"+v.name] = replayGolden(t, live, v.s, func(b *fakeBrowser) {
			b.stream[idOf(live, "/stream")] = b64("chunk one;")
		}, "")
		got["edge/"+v.name] = replayGolden(t, edgeEvents(), v.s, func(b *fakeBrowser) {
			b.bodies["e.2"] = fakeBody{body: `{"moved":true}`}
			b.bodies["e.1"] = fakeBody{body: b64("<p>cached</p>"), base64: true}
			b.stream["e.7"] = b64("data:0")
		}, "tabtap-send-edge")
		got["load/"+v.name] = replayGolden(t, recordedMix(8), v.s, nil, "")
	}
	out, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "replay.golden.json")
	if *updateGolden {
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := readTestdata("replay.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(bytes.TrimSpace(want), out) {
		return
	}
	var golden map[string]json.RawMessage
	if err := json.Unmarshal(want, &golden); err != nil {
		t.Fatal(err)
	}
	for name, g := range got {
		b, _ := json.MarshalIndent(g, " ", " ")
		if w := golden[name]; !bytes.Equal(bytes.TrimSpace(w), b) {
			t.Errorf("%s: the records differ from the golden ones; first difference: %s", name, firstDiff(string(w), string(b)))
		}
	}
	if len(golden) != len(got) {
		t.Errorf("the golden file holds %d replays, the test made %d", len(golden), len(got))
	}
}

// firstDiff shows the lines of want and got where they first differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if strings.TrimSpace(a) != strings.TrimSpace(b) {
			return "line " + strconv.Itoa(i+1) + ": want " + strings.TrimSpace(a) + ", got " + strings.TrimSpace(b)
		}
	}
	return "none"
}
