package capture

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// A tab the captured tab opens (a popup) is attached as soon as the
// browser reports it, but a fast server can answer its first document
// before that: the network domain then never sees it. Once the tab is
// armed, the capture asks the browser what its main frame holds and
// records that document as partial, from what is known of it after the
// fact: its URL, MIME type, status (the page's own navigation timing) and
// body.

// navigationStatus reads the status of the document's response from the
// page's navigation timing: a read of the performance timeline, nothing
// the page sees.
const navigationStatus = `(() => { const n = performance.getEntriesByType('navigation')[0]; return n ? {status: n.responseStatus || 0, start: performance.timeOrigin + n.startTime} : null; })()`

// recoverDocument records the first document of a followed tab when the
// capture did not see it.
func (c *Capture) recoverDocument(tabID int64) {
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		defer c.survive("recovering a popup's first document")
		ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
		defer cancel()
		t := Target{TabID: tabID}
		raw, err := c.browser.Send(ctx, t, "Page.getFrameTree", nil, 0)
		var tree struct {
			FrameTree struct {
				Frame struct {
					ID          string `json:"id"`
					LoaderID    string `json:"loaderId"`
					URL         string `json:"url"`
					URLFragment string `json:"urlFragment"`
					MimeType    string `json:"mimeType"`
				} `json:"frame"`
			} `json:"frameTree"`
		}
		if err != nil || json.Unmarshal(raw, &tree) != nil {
			c.log.Debug("reading a popup's frame", "tab", tabID, "err", err)
			return
		}
		f := tree.FrameTree.Frame
		if f.LoaderID == "" || f.URL == "" || f.URL == "about:blank" || !c.filter.keep(f.URL+f.URLFragment, "Document", "", false) {
			return
		}
		c.mu.Lock()
		known := c.state != StateActive || c.live[f.LoaderID] != nil || c.recent[f.LoaderID] != nil
		for i := len(c.requests) - 1; i >= 0 && !known; i-- {
			known = baseID(c.requests[i].RequestID) == f.LoaderID
		}
		c.mu.Unlock()
		if known {
			return
		}
		var nav struct {
			Result struct {
				Value *struct {
					Status int64   `json:"status"`
					Start  float64 `json:"start"`
				} `json:"value"`
			} `json:"result"`
		}
		if raw, err := c.browser.Send(ctx, t, "Runtime.evaluate", map[string]any{"expression": navigationStatus, "returnByValue": true, "silent": true}, 0); err == nil {
			_ = json.Unmarshal(raw, &nav)
		}
		var body struct {
			Content       string `json:"content"`
			Base64Encoded bool   `json:"base64Encoded"`
		}
		var bodyErr error
		if c.opts.CaptureBodies && c.opts.MaxBodyBytes > 0 {
			if _, bodyErr = c.browser.Send(ctx, t, "Page.enable", nil, 0); bodyErr == nil {
				raw, bodyErr = c.browser.Send(ctx, t, "Page.getResourceContent", map[string]any{"frameId": f.ID, "url": f.URL},
					base64.StdEncoding.EncodedLen(c.opts.MaxBodyBytes)+4)
				if bodyErr == nil {
					bodyErr = json.Unmarshal(raw, &body)
				}
				_, _ = c.browser.Send(ctx, t, "Page.disable", nil, 0)
			}
		}

		c.mu.Lock()
		defer c.mu.Unlock()
		if c.state != StateActive || c.live[f.LoaderID] != nil || c.recent[f.LoaderID] != nil {
			return
		}
		src := api.Source{TabID: tabID, Target: "page"}
		at := c.clock.now().UTC()
		if v := nav.Result.Value; v != nil && v.Start > 0 {
			at = time.UnixMilli(int64(v.Start)).UTC()
		}
		req := &api.Request{RequestID: f.LoaderID, URL: f.URL + f.URLFragment, Headers: map[string]string{},
			ResourceType: "Document", Timestamp: at, FrameID: f.ID, Source: src, Partial: true}
		if !c.admit(kindRequest, len(c.requests), exchangeCost(req)) {
			return
		}
		resp := &api.Response{RequestID: f.LoaderID, URL: f.URL, Headers: map[string]string{}, MimeType: f.MimeType, Timestamp: at, Source: src}
		if v := nav.Result.Value; v != nil {
			resp.Status = v.Status
		}
		c.requests = append(c.requests, req)
		c.responses = append(c.responses, resp)
		c.charge(responseCost(resp) - responseOverhead)
		// Its events may still be on their way: known as recovered, they
		// add nothing.
		c.finish(&exchange{id: f.LoaderID, target: t, source: src, req: req, resp: resp, recovered: true})
		switch {
		case !c.opts.CaptureBodies || c.opts.MaxBodyBytes == 0:
		case bodyErr != nil:
			resp.BodyError = "the browser did not give the body: " + bodyErr.Error()
		default:
			b := []byte(body.Content)
			if body.Base64Encoded {
				if b, bodyErr = decodeBase64Prefix(body.Content); bodyErr != nil {
					resp.BodyError = "the browser did not give the body: " + bodyErr.Error()
					break
				}
			}
			c.setBody(resp, b, int64(len(b)), isTextMime(resp.MimeType))
		}
	}()
}

// isRecovered reports whether a request id is a document recorded after
// the fact.
func (c *Capture) isRecovered(id string) bool {
	ex := c.recent[id]
	return ex != nil && ex.recovered
}
