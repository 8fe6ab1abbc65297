package ops

import (
	"context"
	"fmt"
	"io"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/har"
	"github.com/tabtap/tabtap/host/outfile"
	"github.com/tabtap/tabtap/host/shape"
)

var stopCapture = New(Spec[api.StopCaptureArgs, stopped, api.StopResult]{
	Name:  api.StopCapture,
	Title: "Stop capturing",
	Description: "Stop the session's capture (the debugger detaches) and return it, sized for your context: summary (true totals), " +
		"overview (every request named with status, type, size and time, or when there are many, counts by host, status and type with the notable ones; each WebSocket and stream summed up), " +
		fmt.Sprintf("data (the records that fit: failures, sent bodies and API calls first, bodies over %d KB left out and marked contentOmitted) and truncated (what is left out and how to read it: ", shape.StopContentBytes>>10) +
		"get_network_capture_data pages through every record, get_request opens one request with its whole body). " +
		"format \"har\" returns HAR 1.2 instead of data. outputPath writes the whole capture to a new .json or .har file " +
		"(a bare name goes to tabtap's captures folder) and returns the summary; an existing file is replaced only with overwrite: true. " +
		"Calling it again returns the same capture.",
	Destructive: true, // outputPath with overwrite replaces a file
	Params: []mcp.ToolOption{
		sessionParam(),
		captureParam(),
		mcp.WithString("format", mcp.Description("json (the default) or har (HAR 1.2, as DevTools exports it)."), mcp.Enum("json", "har")),
		mcp.WithString("outputPath", mcp.Description("Write the whole capture to this new file (.json, or .har with format har) and return the summary. An absolute path, or a bare name for tabtap's captures folder.")),
		mcp.WithBoolean("overwrite", mcp.Description("Let outputPath replace an existing file. Default false.")),
		maxResultParam(),
	},
	Run:      stop,
	Shape:    stopped.shape,
	Headline: stopHeadline,
})

// stopped is a stopped capture, as stop found it, and the file it wrote.
type stopped struct {
	head api.StopResult // ids, times, totals, options, format
	data api.Data
	// harOf makes the HAR of the records kept, with format har.
	harOf   func(api.Data) any
	path    string
	written int64
}

// stop stops a capture (if it runs) and, with outputPath, writes it
// whole to the file.
func stop(_ context.Context, b Backend, a api.StopCaptureArgs) (stopped, error) {
	format := a.Format
	switch format {
	case "":
		format = "json"
	case "json", "har":
	default:
		return stopped{}, api.Errorf(api.CodeInvalid, "format must be json or har, not %q", a.Format)
	}
	path, err := outputPath(a.OutputPath, format, a.Overwrite)
	if err != nil {
		return stopped{}, err
	}
	h, err := b.Capture(a.SessionID, a.CaptureID)
	if err != nil {
		return stopped{}, err
	}
	// Also when the capture is already stopping on its own (a closed tab):
	// Stop then waits for that stop, and its last bodies, to finish.
	b.Stop(h.Capture)
	st, data := h.Snapshot()
	v := stopped{head: head(h, st, format), data: data}
	if format == "har" {
		v.harOf = func(kept api.Data) any {
			r := v.head
			r.Data = &kept
			return har.Build(r, b.Version())
		}
	}
	if path != "" {
		v.path = path
		if v.written, err = v.write(a.Overwrite); err != nil {
			return stopped{}, argumentError(err)
		}
	}
	return v, nil
}

// outputPath resolves an outputPath and checks, before anything is
// stopped, that the file can be written: a call that cannot write stops
// nothing.
func outputPath(name, format string, overwrite bool) (string, error) {
	if name == "" {
		return "", nil
	}
	p, err := outfile.CapturePath(outfile.Dir(), name, format)
	if err == nil {
		err = outfile.Check(outfile.Dir(), p, overwrite)
	}
	return p, argumentError(err)
}

// head is the part of a stop result every shape of it shares.
func head(h Held, st capture.Status, format string) api.StopResult {
	return api.StopResult{
		SessionID: h.SessionID, CaptureID: h.ID(), Duration: st.Duration, StartTime: st.StartTime, EndTime: st.EndTime,
		Summary: st.Summary, Options: h.Options(), Format: format, Dropped: st.Dropped, EndReason: st.EndReason,
		Redacted: st.Redacted,
	}
}

// write writes the whole capture to v.path and returns its size.
func (v stopped) write(overwrite bool) (int64, error) {
	var written int64
	err := outfile.Write(outfile.Dir(), v.path, overwrite, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		defer func() { written = cw.n }()
		if v.harOf != nil {
			b, err := api.Encode(v.harOf(v.data), true)
			if err != nil {
				return fmt.Errorf("encoding the HAR: %w", err)
			}
			_, err = cw.Write(b)
			return err
		}
		return shape.WriteCapture(cw, v.head, &v.data)
	})
	return written, err
}

// shape is the result: the overview and the records that fit, or, when
// the capture went to a file, the summary and the overview.
func (v stopped) shape(budget int) (api.StopResult, error) {
	if v.path == "" {
		return shape.Stop(v.head, &v.data, budget, v.harOf), nil
	}
	out := shape.Stop(v.head, &v.data, budget, nil)
	out.Data, out.Truncated, out.OutputPath, out.BytesWritten = nil, nil, v.path, v.written
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

func stopHeadline(r api.StopResult) string {
	s := fmt.Sprintf("Capture %s stopped: %d requests, %d responses, %d WebSocket frames, %d streaming responses in %.1f s.",
		r.CaptureID, r.Summary.TotalRequests, r.Summary.TotalResponses, r.Summary.TotalWsFrames, r.Summary.StreamingResponses, float64(r.Duration)/1000)
	if r.EndReason != "" {
		s += " It ended because " + r.EndReason + "."
	}
	if n := r.Dropped.Total(); n > 0 {
		s += fmt.Sprintf(" %d items were dropped to stay within limits (see dropped).", n)
	}
	if r.OutputPath != "" {
		s += fmt.Sprintf(" Everything was written to %s (%d bytes).", r.OutputPath, r.BytesWritten)
	}
	if o := r.Overview; o != nil && o.Groups != nil {
		s += fmt.Sprintf(" Too many requests to name here: the overview groups them and lists %d notable ones.", len(o.Notable))
	}
	if t := r.Truncated; t != nil {
		s += fmt.Sprintf(" Left out of data: %d requests, %d responses, %d frames, %d streams, %d bodies; truncated.hint says how to read them.",
			t.Requests, t.Responses, t.WSFrames, t.StreamingResponses, t.ContentsOmitted)
	}
	return s
}
