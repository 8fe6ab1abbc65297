package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/har"

	"github.com/tabtap/tabtap/host/atomicfile"
)

// DefaultMaxResultBytes bounds the data stop_network_capture returns
// inline: larger captures are cut to fit, and say how to read the rest.
const DefaultMaxResultBytes = 1_000_000

// MinMaxResultBytes is the smallest maxResultBytes accepted: below it the
// summary, options and truncated block alone could not fit.
const MinMaxResultBytes = 4000

// stop stops a capture and shapes its result: JSON or HAR, inline or in a
// file, cut to maxResultBytes.
func stop(ctx context.Context, r router, a api.StopCaptureArgs) (api.StopResult, error) {
	switch a.Format {
	case "", "json", "har":
	default:
		return api.StopResult{}, api.Errorf(api.CodeInvalid, "format must be json or har, not %q", a.Format)
	}
	limit := DefaultMaxResultBytes
	if a.MaxResultBytes != nil {
		if *a.MaxResultBytes < MinMaxResultBytes {
			return api.StopResult{}, api.Errorf(api.CodeInvalid, "maxResultBytes must be at least %d, not %d", MinMaxResultBytes, *a.MaxResultBytes)
		}
		limit = *a.MaxResultBytes
	}
	var path string
	if a.OutputPath != "" {
		// A relative path would land wherever the MCP client happened to
		// start this process: ask for the place itself.
		p := filepath.Clean(a.OutputPath)
		if !filepath.IsAbs(p) {
			return api.StopResult{}, api.Errorf(api.CodeInvalid, "outputPath must be an absolute path (e.g. /home/me/capture.json), not %q", a.OutputPath)
		}
		if fi, err := os.Stat(filepath.Dir(p)); err != nil || !fi.IsDir() {
			return api.StopResult{}, api.Errorf(api.CodeInvalid, "outputPath %s: its folder does not exist", p)
		}
		path = p
	}
	d, err := r.bySession(ctx, a.SessionID)
	if err != nil {
		return api.StopResult{}, err
	}
	var res api.StopResult
	if err := d.Call(ctx, api.StopCapture, api.SessionArgs{SessionID: a.SessionID}, &res); err != nil {
		return api.StopResult{}, err
	}
	res.Format = "json"
	if a.Format == "har" {
		res.Format = "har"
	}
	if path != "" {
		return writeResult(res, path)
	}
	if res.Data == nil {
		res.Data = &api.Data{}
	}
	fit(&res, limit, func(r api.StopResult) int { return jsonLen(shape(r)) })
	return shape(res), nil
}

// shape turns a result holding the capture's data into what the tool
// returns: for format har, the HAR document in place of the data.
func shape(res api.StopResult) api.StopResult {
	if res.Format == "har" {
		res.HAR, res.Data = har.Build(res), nil
	}
	return res
}

// writeResult writes the whole capture to path and returns the summary.
func writeResult(res api.StopResult, path string) (api.StopResult, error) {
	var doc any = res
	if res.Format == "har" {
		doc = har.Build(res)
	}
	b, err := api.Encode(doc, true)
	if err != nil {
		return api.StopResult{}, fmt.Errorf("encoding the capture: %w", err)
	}
	if err := atomicfile.Write(path, b, 0o600); err != nil {
		return api.StopResult{}, api.Errorf(api.CodeInvalid, "%v", err)
	}
	res.Data, res.OutputPath, res.BytesWritten = nil, path, int64(len(b))
	return res, nil
}

// getData reads a page of a capture, its contents cut largest first when
// the page would pass DefaultMaxResultBytes.
func getData(ctx context.Context, r router, a api.GetDataArgs) (api.GetDataResult, error) {
	res, err := bySession[api.GetDataArgs, api.GetDataResult](r, api.GetCaptureData, func(a api.GetDataArgs) string { return a.SessionID })(ctx, a)
	if err != nil {
		return res, err
	}
	if excess := jsonLen(res) - DefaultMaxResultBytes; excess > 0 {
		res.ContentsOmitted = omitLargest(&res.Data, excess)
	}
	return res, nil
}

// omitLargest leaves out the contents of d, largest first, until about
// excess bytes are saved, and returns how many it left out.
func omitLargest(d *api.Data, excess int) int {
	cs := capture.Contents(d)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Size > cs[j].Size })
	n := 0
	for _, c := range cs {
		if excess <= 0 {
			break
		}
		c.Omit()
		excess -= c.Size
		n++
	}
	return n
}

// fit cuts res.Data until size(res), the JSON the tool returns, takes at
// most limit bytes: first the largest contents (bodies, payloads, chunks),
// then records from the end of the largest list. When it cuts anything it
// sets res.Truncated to say what was left out.
func fit(res *api.StopResult, limit int, size func(api.StopResult) int) {
	if size(*res) <= limit {
		return
	}
	d := res.Data
	// The truncated block counts in the size it is meant to bound.
	t := &api.Truncation{Hint: fmt.Sprintf("This result was cut to about %d bytes (maxResultBytes). Records and contents marked contentOmitted or left out are still held: "+
		"page through them with get_network_capture_data (offset, limit, kind), read one with get_request, "+
		"or call stop_network_capture again with outputPath to write everything to a file.", limit)}
	res.Truncated = t
	t.BodiesOmitted = omitLargest(d, size(*res)-limit)
	// Then whole records, from the end of the largest list.
	lists := []*list{
		newList(d.Requests, func(n int) { d.Requests = d.Requests[:n] }, &t.Requests),
		newList(d.Responses, func(n int) { d.Responses = d.Responses[:n] }, &t.Responses),
		newList(d.WSFrames, func(n int) { d.WSFrames = d.WSFrames[:n] }, &t.WSFrames),
		newList(d.StreamingResponses, func(n int) { d.StreamingResponses = d.StreamingResponses[:n] }, &t.StreamingResponses),
	}
	for cur := size(*res); cur > limit; cur = size(*res) {
		excess := cur - limit
		for excess > 0 {
			big := lists[0]
			for _, l := range lists[1:] {
				if l.total > big.total {
					big = l
				}
			}
			if len(big.sizes) == 0 {
				break
			}
			excess -= big.pop()
		}
		for _, l := range lists {
			l.apply()
		}
		if lists[0].total+lists[1].total+lists[2].total+lists[3].total == 0 {
			break
		}
	}
}

// list is one array of a capture being cut from its end.
type list struct {
	sizes   []int // JSON size of each record kept
	total   int
	dropped *int
	cut     func(n int)
}

func newList[T any](xs []T, cut func(int), dropped *int) *list {
	l := &list{cut: cut, dropped: dropped}
	for i := range xs {
		n := jsonLen(xs[i]) + 1
		l.sizes = append(l.sizes, n)
		l.total += n
	}
	return l
}

// pop drops the last record and returns its size.
func (l *list) pop() int {
	n := l.sizes[len(l.sizes)-1]
	l.sizes = l.sizes[:len(l.sizes)-1]
	l.total -= n
	*l.dropped++
	return n
}

func (l *list) apply() { l.cut(len(l.sizes)) }

func jsonLen(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}
