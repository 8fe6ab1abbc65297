package capture

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// popupBrowser answers what the capture asks of a popup's tab after the
// fact: its frame, its navigation timing, its document.
type popupBrowser struct{ *fakeBrowser }

func (b popupBrowser) Send(ctx context.Context, t Target, method string, params any, maxField int) (json.RawMessage, error) {
	if t.TabID == 2 {
		switch method {
		case "Page.getFrameTree":
			return json.RawMessage(`{"frameTree":{"frame":{"id":"F2","loaderId":"L2","url":"https://app.test/popup","mimeType":"text/html"}}}`), nil
		case "Page.getResourceContent":
			return json.RawMessage(`{"content":"<title>popup</title>","base64Encoded":false}`), nil
		}
	}
	return b.fakeBrowser.Send(ctx, t, method, params, maxField)
}

func TestPopupsFirstDocumentRecoveredAfterTheFact(t *testing.T) {
	opts, _ := api.Settings{}.Resolve()
	b := popupBrowser{newFakeBrowser()}
	c := New("capture_popup", 1, opts, b, nil)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.AddTab(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	settle(c)
	// The document's own events, late: they add nothing.
	p, _ := json.Marshal(resp("L2", "https://app.test/popup", 200, t0, map[string]any{}, "text/html"))
	c.HandleEvent(Event{TabID: 2, Method: "Network.responseReceived", Params: p})
	settle(c)
	d := c.Data()
	if len(d.Requests) != 1 || len(d.Responses) != 1 {
		t.Fatalf("%d requests, %d responses; want the popup's document once", len(d.Requests), len(d.Responses))
	}
	r, s := d.Requests[0], d.Responses[0]
	if r.RequestID != "L2" || !r.Partial || r.ResourceType != "Document" || r.TabID != 2 || r.Timestamp.IsZero() {
		t.Errorf("request: %+v", r)
	}
	if s.Status != 0 || s.Body != "<title>popup</title>" || s.MimeType != "text/html" {
		t.Errorf("response: %+v", s)
	}

	// A document the capture saw is not recorded again.
	c2 := New("capture_popup_2", 1, opts, popupBrowser{newFakeBrowser()}, nil)
	if err := c2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	c2.Expect(2)
	p, _ = json.Marshal(req("L2", "https://app.test/popup", "GET", t0, map[string]any{"type": "Document"}))
	c2.HandleEvent(Event{TabID: 2, Method: "Network.requestWillBeSent", Params: p})
	if err := c2.AddTab(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	settle(c2)
	if d := c2.Data(); len(d.Requests) != 1 || d.Requests[0].Partial {
		t.Errorf("a document seen whole was recorded again: %+v", d.Requests)
	}
}

func TestPartialDocumentBodyFromItsFrame(t *testing.T) {
	opts, _ := api.Settings{}.Resolve()
	c := New("capture_popup_3", 1, opts, popupBrowser{newFakeBrowser()}, nil)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Expect(2)
	// The popup's document, seen from its response on: the browser does
	// not know it by its request id, its frame still holds it.
	r := resp("9.3", "https://app.test/popup", 200, t0, map[string]any{"Content-Type": "text/html"}, "text/html")
	r["type"], r["frameId"] = "Document", "F2"
	for _, ev := range []struct {
		method string
		params any
	}{{"Network.responseReceived", r}, {"Network.loadingFinished", finished("9.3", t0+0.01)}} {
		p, _ := json.Marshal(ev.params)
		c.HandleEvent(Event{TabID: 2, Method: ev.method, Params: p})
	}
	if err := c.AddTab(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	settle(c)
	d := c.Data()
	if len(d.Requests) != 1 || !d.Requests[0].Partial || d.Responses[0].Body != "<title>popup</title>" {
		t.Errorf("want the partial document once, with its body: %+v %+v", d.Requests, d.Responses)
	}
}
