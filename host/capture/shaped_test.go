package capture

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

// pageRows is the page size the test asks for.
var pageRows = 200

// copies repeats a recording k times, each copy's requests under ids of
// their own, as a long session on the same page would.
func copies(evs []Event, k int) []Event {
	out := make([]Event, 0, len(evs)*k)
	for i := range k {
		prefix := []byte(fmt.Sprintf(`"requestId":"c%d-`, i))
		for _, ev := range evs {
			ev.Params = bytes.ReplaceAll(ev.Params, []byte(`"requestId":"`), prefix)
			out = append(out, ev)
		}
	}
	return out
}

// TestRecordedCapturesFitEveryBudget shapes real Chromium recordings,
// repeated up to tens of thousands of records, for stop results and pages
// of every budget: each stays within it and keeps the true totals.
func TestRecordedCapturesFitEveryBudget(t *testing.T) {
	base := recorded(t, "live-page.jsonl")
	for _, k := range []int{1, 4, 150, 1500} {
		evs := copies(base, k)
		n := 1 << 30
		c, _ := replaying(t, evs, api.Settings{MaxEntries: &n}, nil)
		for _, ev := range evs {
			c.HandleEvent(ev)
		}
		c.Stop("")
		st, d := c.Snapshot()
		records := len(d.Requests) + len(d.Responses) + len(d.WSFrames) + len(d.StreamingResponses)
		for _, budget := range []int{1500, 12_000, shape.Share(api.DefaultResultBytes), 400_000} {
			res := shape.Stop(api.StopResult{SessionID: "s-1", CaptureID: c.ID(), Summary: st.Summary, Options: c.Options()}, &d, budget, nil)
			if n := shape.Size(res); n > budget {
				t.Errorf("%d records, budget %d: the stop result takes %d bytes", records, budget, n)
			}
			if res.Summary != st.Summary {
				t.Errorf("%d records: totals changed", records)
			}
			page, err := shape.Page(&d, api.GetDataArgs{SessionID: "s-1", Limit: &pageRows}, budget)
			if err != nil || shape.Size(page) > budget || page.Returned == 0 {
				t.Errorf("%d records, budget %d: page of %d rows, %d bytes, %v", records, budget, page.Returned, shape.Size(page), err)
			}
		}
		t.Logf("%d copies: %d records", k, records)
	}
}
