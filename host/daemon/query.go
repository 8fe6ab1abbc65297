package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/har"
	"github.com/tabtap/tabtap/host/outfile"
	"github.com/tabtap/tabtap/host/shape"
	"github.com/tabtap/tabtap/host/urlmatch"
)

// shapeError turns an argument error of package shape or outfile into the
// error a caller sees.
func shapeError(err error) error {
	var inv shape.Invalid
	var path *outfile.Error
	switch {
	case errors.As(err, &inv), errors.As(err, &path):
		return api.Errorf(api.CodeInvalid, "%v", err)
	}
	return err
}

// head is the part of a stop result every shape shares.
func head(s *session, c *capture.Capture, st capture.Status, format string) api.StopResult {
	return api.StopResult{
		SessionID: s.id, CaptureID: c.ID(), Duration: st.Duration, StartTime: st.StartTime, EndTime: st.EndTime,
		Summary: st.Summary, Options: c.Options(), Format: format, Dropped: st.Dropped, EndReason: st.EndReason,
		Redacted: st.Redacted,
	}
}

// stop stops a capture (if it runs) and returns it shaped for the caller:
// the overview and the records that fit, or the whole capture written to
// outputPath.
func (d *Daemon) stop(a api.StopCaptureArgs) (api.StopResult, error) {
	format := a.Format
	switch format {
	case "":
		format = "json"
	case "json", "har":
	default:
		return api.StopResult{}, api.Errorf(api.CodeInvalid, "format must be json or har, not %q", a.Format)
	}
	path := ""
	if a.OutputPath != "" {
		p, err := outfile.CapturePath(outfile.Dir(), a.OutputPath, format)
		if err == nil {
			// Before stopping anything: a call that cannot write stops nothing.
			err = outfile.Check(outfile.Dir(), p, a.Overwrite)
		}
		if err != nil {
			return api.StopResult{}, shapeError(err)
		}
		path = p
	}
	s, c, err := d.captureOf(a.SessionID, a.CaptureID)
	if err != nil {
		return api.StopResult{}, err
	}
	// Also when the capture is already stopping on its own (a closed tab):
	// Stop then waits for that stop, and its last bodies, to finish.
	began := time.Now()
	d.stopCapture(c, "")
	stopped := time.Now()
	st, data := c.Snapshot()
	res := head(s, c, st, format)
	defer func() {
		d.log.Debug("stop", "capture", c.ID(), "stopping", stopped.Sub(began), "shaping", time.Since(stopped), "records", len(data.Requests)+len(data.WSFrames))
	}()
	if path == "" {
		var harOf func(api.Data) any
		if format == "har" {
			harOf = func(kept api.Data) any {
				r := res
				r.Data = &kept
				return har.Build(r, d.opts.Version)
			}
		}
		return shape.Stop(res, &data, api.Budget(a.MaxResultBytes), harOf), nil
	}
	var written int64
	err = outfile.Write(outfile.Dir(), path, a.Overwrite, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		defer func() { written = cw.n }()
		if format == "har" {
			full := res
			full.Data = &data
			b, err := api.Encode(har.Build(full, d.opts.Version), true)
			if err != nil {
				return fmt.Errorf("encoding the HAR: %w", err)
			}
			_, err = cw.Write(b)
			return err
		}
		return shape.WriteCapture(cw, res, &data)
	})
	if err != nil {
		return api.StopResult{}, shapeError(err)
	}
	// The summary and the overview, without the records: they are in the file.
	out := shape.Stop(res, &data, api.Budget(a.MaxResultBytes), nil)
	out.Data, out.Truncated, out.OutputPath, out.BytesWritten = nil, nil, path, written
	return out, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// full returns all of a capture, for the popup's download.
func (d *Daemon) full(id string) (api.StopResult, error) {
	s, c, err := d.captureOf(id, "")
	if err != nil {
		return api.StopResult{}, err
	}
	st, data := c.Snapshot()
	res := head(s, c, st, "json")
	res.Data = &data
	return res, nil
}

func (d *Daemon) getData(a api.GetDataArgs) (api.GetDataResult, error) {
	s, c, err := d.captureOf(a.SessionID, a.CaptureID)
	if err != nil {
		return api.GetDataResult{}, err
	}
	st, data := c.Snapshot()
	out, err := shape.Page(&data, a, api.Budget(a.MaxResultBytes))
	if err != nil {
		return api.GetDataResult{}, shapeError(err)
	}
	out.SessionID, out.CaptureID, out.Status = s.id, c.ID(), string(st.State)
	return out, nil
}

func (d *Daemon) getRequest(a api.GetRequestArgs) (api.RequestDetail, error) {
	s, c, err := d.captureOf(a.SessionID, a.CaptureID)
	if err != nil {
		return api.RequestDetail{}, err
	}
	if a.RequestID == "" {
		return api.RequestDetail{}, api.Errorf(api.CodeInvalid, "requestId is required (the overview of stop_network_capture and get_network_capture_data show them)")
	}
	data := c.Data()
	f, ok := shape.Find(&data, a.RequestID)
	if !ok {
		return api.RequestDetail{}, api.Errorf(api.CodeNotFound, "request %s not found in capture %s of session %s (get_network_capture_data lists the request ids)", a.RequestID, c.ID(), s.id)
	}
	var saved *api.SavedFile
	if a.SaveBody {
		body, mime, err := f.Body(a.Body)
		if err != nil {
			return api.RequestDetail{}, shapeError(err)
		}
		if len(body) == 0 {
			return api.RequestDetail{}, api.Errorf(api.CodeConflict, "request %s has no %s body to save", a.RequestID, strings.TrimSpace(a.Body+" "))
		}
		path, err := outfile.New(outfile.Dir(), c.ID()+"_"+a.RequestID, mime, body)
		if err != nil {
			return api.RequestDetail{}, shapeError(err)
		}
		saved = &api.SavedFile{Path: path, Bytes: int64(len(body)), MimeType: mime}
	}
	out, err := shape.Request(f, a, api.Budget(a.MaxResultBytes))
	if err != nil {
		return api.RequestDetail{}, shapeError(err)
	}
	out.SessionID, out.CaptureID, out.SavedBody = s.id, c.ID(), saved
	return out, nil
}

// Bounds of wait_for_request.
const (
	defaultWait = 30 * time.Second
	maxWait     = 5 * time.Minute
)

// wait waits for the next exchange (or frame) of a session's running
// capture that matches, and returns it shaped as get_request would.
func (d *Daemon) wait(ctx context.Context, a api.WaitArgs) (api.WaitResult, error) {
	s, c, err := d.captureOf(a.SessionID, "")
	if err != nil {
		return api.WaitResult{}, err
	}
	timeout := defaultWait
	if a.TimeoutSeconds != nil {
		if *a.TimeoutSeconds < 1 || time.Duration(*a.TimeoutSeconds)*time.Second > maxWait {
			return api.WaitResult{}, api.Errorf(api.CodeInvalid, "timeoutSeconds must be between 1 and %d, not %d", int(maxWait.Seconds()), *a.TimeoutSeconds)
		}
		timeout = time.Duration(*a.TimeoutSeconds) * time.Second
	}
	kind := a.Kind
	if kind == "" {
		kind = "request"
	}
	if kind != "request" && kind != "wsFrame" {
		return api.WaitResult{}, api.Errorf(api.CodeInvalid, "kind must be request or wsFrame, not %q", a.Kind)
	}
	if a.Direction != "" && a.Direction != "sent" && a.Direction != "received" {
		return api.WaitResult{}, api.Errorf(api.CodeInvalid, "direction must be sent or received, not %q", a.Direction)
	}
	var since time.Time
	if a.Since != "" {
		if since, err = time.Parse(time.RFC3339Nano, a.Since); err != nil {
			return api.WaitResult{}, api.Errorf(api.CodeInvalid, "since must be an ISO-8601 time such as 2026-11-30T12:00:00Z (startTime of start_network_capture works), not %q", a.Since)
		}
	}
	urlm, err := urlmatch.Parse("urlFilter", a.URLFilter)
	if err != nil {
		return api.WaitResult{}, api.Errorf(api.CodeInvalid, "%v", err)
	}
	payload, err := urlmatch.Parse("payloadFilter", a.PayloadFilter)
	if err != nil {
		return api.WaitResult{}, api.Errorf(api.CodeInvalid, "%v", err)
	}
	method := strings.ToUpper(a.Method)
	matchX := func(x capture.Exchange) bool {
		r, p := x.Request, x.Response
		if r == nil || p == nil || !urlm.Match(r.URL) || (method != "" && r.Method != method) ||
			(a.ResourceType != "" && !strings.EqualFold(r.ResourceType, a.ResourceType)) {
			return false
		}
		if a.Status != nil {
			st := int(p.Status)
			if p.Failed {
				st = 0
			}
			if st != *a.Status {
				return false
			}
		}
		return since.IsZero() || !r.Timestamp.Before(since)
	}
	matchF := func(f api.WSFrame) bool {
		return urlm.Match(f.URL) && payload.Match(f.Payload) && (a.Direction == "" || f.Direction == a.Direction) &&
			(since.IsZero() || !f.Timestamp.Before(since))
	}
	started := time.Now()
	out := api.WaitResult{SessionID: s.id, CaptureID: c.ID()}
	p := c.Progress()
	if !since.IsZero() {
		p = capture.Progress{} // look at everything, back to since
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		changed := c.Changed()
		xs, frames, next := c.Since(p)
		p = next
		if kind == "request" {
			for _, x := range xs {
				if matchX(x) {
					detail, err := d.getRequest(api.GetRequestArgs{SessionID: s.id, CaptureID: c.ID(), RequestID: x.Request.RequestID, MaxResultBytes: a.MaxResultBytes})
					if err != nil {
						return api.WaitResult{}, err
					}
					out.Matched, out.Request, out.WaitedMs = true, &detail, time.Since(started).Milliseconds()
					return out, nil
				}
			}
		} else {
			for _, f := range frames {
				if matchF(f) {
					if shape.Size(f) > api.Budget(a.MaxResultBytes)-500 {
						f.Payload, f.ContentOmitted = "", true
					}
					out.Matched, out.Frame, out.WaitedMs = true, &f, time.Since(started).Milliseconds()
					return out, nil
				}
			}
		}
		if !c.Active() {
			out.WaitedMs = time.Since(started).Milliseconds()
			out.Reason = fmt.Sprintf("capture %s stopped before anything matched", c.ID())
			return out, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			out.WaitedMs = time.Since(started).Milliseconds()
			out.Reason = fmt.Sprintf("nothing matched within %s", timeout)
			if since.IsZero() {
				out.Reason += "; only what finished after the call began counts: pass since (e.g. the capture's startTime) to include what finished before"
			}
			return out, nil
		case <-ctx.Done():
			return api.WaitResult{}, fmt.Errorf("waiting: %w", ctx.Err())
		}
	}
}

// readCapture returns a capture whole (JSON or HAR) or its default stop
// result, for an MCP resource. It stops nothing.
func (d *Daemon) readCapture(a api.ReadCaptureArgs) (json.RawMessage, error) {
	s, c, err := d.captureOf(a.SessionID, a.CaptureID)
	if err != nil {
		return nil, err
	}
	st, data := c.Snapshot()
	switch a.View {
	case api.ViewSummary:
		return api.Encode(shape.Stop(head(s, c, st, "json"), &data, api.Budget(nil), nil), false)
	case api.ViewJSON, api.ViewHAR:
	default:
		return nil, api.Errorf(api.CodeInvalid, "view must be %s, %s or %s, not %q", api.ViewJSON, api.ViewHAR, api.ViewSummary, a.View)
	}
	if st.BytesHeld > api.MaxResourceBytes {
		return nil, api.Errorf(api.CodeConflict, "capture %s holds %d MB, too much to read as a resource: write it to a file with stop_network_capture {\"sessionId\":%q,\"captureId\":%q,\"outputPath\":\"capture.json\"}",
			c.ID(), st.BytesHeld>>20, s.id, c.ID())
	}
	res := head(s, c, st, "json")
	var buf bytes.Buffer
	if a.View == api.ViewHAR {
		res.Data = &data
		b, err := api.Encode(har.Build(res, d.opts.Version), false)
		return b, err
	}
	if err := shape.WriteCapture(&buf, res, &data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
