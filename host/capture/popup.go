package capture

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// A tab the captured tab opens (a popup) is attached as soon as the
// browser reports it, but a fast server can answer its first document
// before that: the network domain then never sees it. Once the tab is
// armed, the capture asks the browser what its main frame holds and
// records that document as partial, from what is known of it after the
// fact: its URL, MIME type and body (its status and headers are not).

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
		known := c.state != StateActive || c.seenDocument(tabID, f.ID, f.LoaderID, f.URL+f.URLFragment)
		c.mu.Unlock()
		if known {
			return
		}
		var body []byte
		var bodyErr error
		if c.opts.CaptureBodies && c.opts.MaxBodyBytes > 0 {
			body, bodyErr = c.documentContent(ctx, t, f.ID, f.URL)
		}

		c.mu.Lock()
		defer c.mu.Unlock()
		if c.state != StateActive || c.seenDocument(tabID, f.ID, f.LoaderID, f.URL+f.URLFragment) {
			return
		}
		src := api.Source{TabID: tabID, Target: "page"}
		at := c.clock.now().UTC()
		req := &api.Request{RequestID: f.LoaderID, URL: f.URL + f.URLFragment, Headers: map[string]string{},
			ResourceType: "Document", Timestamp: at, FrameID: f.ID, Source: src, Partial: true}
		if !c.admit(kindRequest, len(c.requests), exchangeCost(req)) {
			return
		}
		// Its status is not known: the browser keeps none for a document
		// its network domain did not see.
		resp := &api.Response{RequestID: f.LoaderID, URL: f.URL, Headers: map[string]string{}, MimeType: f.MimeType, Timestamp: at, Source: src}
		c.requests = append(c.requests, req)
		c.responses = append(c.responses, resp)
		c.charge(responseCost(resp) - responseOverhead)
		// Its events may still be on their way: known as recovered, they
		// add nothing.
		c.finish(&exchange{id: f.LoaderID, target: t, source: src, req: req, resp: resp, recovered: true})
		c.recovered[f.ID] = req.URL
		switch {
		case !c.opts.CaptureBodies || c.opts.MaxBodyBytes == 0:
		case bodyErr != nil:
			resp.BodyError = "the browser did not give the body: " + bodyErr.Error()
		default:
			c.setBody(resp, body, int64(len(body)), isTextMime(resp.MimeType))
		}
	}()
}

// isRecovered reports whether a response is that of a document recorded
// after the fact: by its request id, or by its frame and URL (the
// document's request id need not be its loader's).
func (c *Capture) isRecovered(id string, e *evResponseReceived) bool {
	if ex := c.recent[id]; ex != nil && ex.recovered {
		return true
	}
	u, ok := c.recovered[e.FrameID]
	return ok && e.Type == "Document" && e.Response != nil && u == e.Response.URL
}

// seenDocument reports whether the capture holds a frame's document: by
// its loader's id, or as the Document request of that frame and URL.
func (c *Capture) seenDocument(tabID int64, frameID, loaderID, url string) bool {
	if c.live[loaderID] != nil || c.recent[loaderID] != nil {
		return true
	}
	for i := len(c.requests) - 1; i >= 0; i-- {
		r := c.requests[i]
		if api.BaseID(r.RequestID) == loaderID || r.TabID == tabID && r.ResourceType == "Document" && r.FrameID == frameID && r.URL == url {
			return true
		}
	}
	return false
}

// documentContent asks the browser for the document a frame of a tab
// holds: the body of a document whose request the network domain did not
// see from its start, and so does not know.
//
// To answer, the browser loads the document again from its cache: that
// load's events (a response of type Other, from the cache) are its own
// doing, not the page's, and are not recorded.
func (c *Capture) documentContent(ctx context.Context, t Target, frameID, url string) ([]byte, error) {
	c.mu.Lock()
	c.contentLoads[t.TabID] = url
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.contentLoads, t.TabID)
		c.mu.Unlock()
	}()
	if _, err := c.browser.Send(ctx, t, "Page.enable", nil, 0); err != nil {
		return nil, err
	}
	defer c.browser.Send(ctx, t, "Page.disable", nil, 0)
	raw, err := c.browser.Send(ctx, t, "Page.getResourceContent", map[string]any{"frameId": frameID, "url": url},
		base64.StdEncoding.EncodedLen(c.opts.MaxBodyBytes)+4)
	if err != nil {
		return nil, err
	}
	var res struct {
		Content       string `json:"content"`
		Base64Encoded bool   `json:"base64Encoded"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("decoding a document's content: %w", err)
	}
	if res.Base64Encoded {
		return decodeBase64Prefix(res.Content)
	}
	return []byte(res.Content), nil
}

// ownContentLoad reports whether a response the capture did not see
// requested is the browser reloading a document from its cache for
// documentContent.
func (c *Capture) ownContentLoad(tabID int64, e *evResponseReceived) bool {
	u, ok := c.contentLoads[tabID]
	return ok && e.Type != "Document" && e.Response != nil && e.Response.URL == u
}
