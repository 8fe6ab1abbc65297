package shape

import (
	"cmp"
	"encoding/base64"
	"net/url"
	"slices"

	"github.com/tabtap/tabtap/host/api"
)

// detail is how much an overview names.
type detail struct {
	everyRow bool // name every request; else groups and notable rows
	notable  int  // at most this many notable rows
	sockets  int  // at most this many sockets summed up
	streams  int  // at most this many streams summed up
}

// details go from the richest overview to the barest.
var details = []detail{
	{everyRow: true, sockets: 20, streams: 20},
	{notable: 40, sockets: 20, streams: 20},
	{notable: 15, sockets: 8, streams: 8},
	{notable: 5, sockets: 3, streams: 3},
	{},
}

// maxGroups bounds each list of groups; the rest go under "(other)".
const maxGroups = 12

// rows describes every exchange in one line, once per index.
func (ix *index) rows() []api.RequestRow {
	if ix.rowCache == nil {
		ix.rowCache = make([]api.RequestRow, len(ix.exchanges))
		for i, x := range ix.exchanges {
			ix.rowCache[i] = row(x)
		}
	}
	return ix.rowCache
}

func (ix *index) overview(dt detail) *api.Overview {
	ov := &api.Overview{}
	un := api.Unlisted{}
	rows := ix.rows()
	if dt.everyRow {
		ov.Requests = rows
	} else if len(rows) > 0 {
		if ix.groupCache == nil {
			ix.groupCache = groups(rows)
		}
		ov.Groups = ix.groupCache
		ov.Notable = notable(rows, dt.notable)
		un.Requests = len(rows) - len(ov.Notable)
	}
	for i, id := range ix.sockets {
		if i == dt.sockets {
			un.WebSockets = len(ix.sockets) - i
			break
		}
		ov.WebSockets = append(ov.WebSockets, ix.socket(id))
	}
	for i := range ix.d.StreamingResponses {
		if i == dt.streams {
			un.Streams = len(ix.d.StreamingResponses) - i
			break
		}
		ov.Streams = append(ov.Streams, streamSummary(&ix.d.StreamingResponses[i]))
	}
	if un != (api.Unlisted{}) {
		ov.Unlisted = &un
	}
	return ov
}

// notable picks, in the capture's order, the failures and error statuses,
// the requests that sent a body, and the slowest and largest of the rest.
func notable(rows []api.RequestRow, n int) []api.RequestRow {
	if n == 0 {
		return nil
	}
	picked := map[int]bool{}
	pick := func(keep func(api.RequestRow) bool, most int) {
		for i, r := range rows {
			if most == 0 || len(picked) >= n {
				return
			}
			if !picked[i] && keep(r) {
				picked[i] = true
				most--
			}
		}
	}
	pick(failedOrError, n/2)
	pick(func(r api.RequestRow) bool { return hasFlag(r, "sentBody") }, n/4)
	top := func(by func(api.RequestRow) float64, most int) {
		order := make([]int, len(rows))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(by(rows[b]), by(rows[a])) })
		for _, i := range order {
			if most == 0 || len(picked) >= n || by(rows[i]) <= 0 {
				return
			}
			if !picked[i] {
				picked[i] = true
				most--
			}
		}
	}
	top(func(r api.RequestRow) float64 { return r.Ms }, max(1, n/8))
	top(func(r api.RequestRow) float64 { return float64(r.Size) }, max(1, n/8))
	pick(func(api.RequestRow) bool { return true }, n) // fill with the first others
	out := make([]api.RequestRow, 0, len(picked))
	for i, r := range rows {
		if picked[i] {
			out = append(out, r)
		}
	}
	return out
}

func groups(rows []api.RequestRow) *api.Groups {
	return &api.Groups{
		ByHost:   groupBy(rows, func(r api.RequestRow) string { return hostOf(r.URL) }),
		ByStatus: groupBy(rows, statusClass),
		ByType:   groupBy(rows, func(r api.RequestRow) string { return cmp.Or(r.Type, "(unknown)") }),
	}
}

func groupBy(rows []api.RequestRow, key func(api.RequestRow) string) []api.Group {
	at := map[string]int{}
	var gs []api.Group
	for _, r := range rows {
		k := key(r)
		i, ok := at[k]
		if !ok {
			i = len(gs)
			at[k] = i
			gs = append(gs, api.Group{Key: k})
		}
		gs[i].Count++
		gs[i].Bytes += r.Size
	}
	slices.SortStableFunc(gs, func(a, b api.Group) int { return cmp.Compare(b.Count, a.Count) })
	if len(gs) > maxGroups {
		other := api.Group{Key: "(other)"}
		for _, g := range gs[maxGroups-1:] {
			other.Count += g.Count
			other.Bytes += g.Bytes
		}
		gs = append(gs[:maxGroups-1], other)
	}
	return gs
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "(unknown)"
	case u.Host != "":
		return u.Host
	case u.Scheme != "":
		return u.Scheme + ":"
	}
	return "(unknown)"
}

func statusClass(r api.RequestRow) string {
	switch {
	case hasFlag(r, "pending"):
		return "pending"
	case hasFlag(r, "canceled"):
		return "canceled"
	case r.Status == 0:
		return "failed"
	case r.Status < 200:
		return "1xx"
	case r.Status < 300:
		return "2xx"
	case r.Status < 400:
		return "3xx"
	case r.Status < 500:
		return "4xx"
	}
	return "5xx"
}

func (ix *index) socket(id string) api.SocketSummary {
	s := api.SocketSummary{RequestID: id}
	if i, ok := ix.byID[id]; ok {
		x := ix.exchanges[i]
		s.URL = x.URL()
		if x.Response != nil && x.Response.WebSocket != nil {
			s.Closed = x.Response.WebSocket.Closed
		}
	}
	fs := ix.frames[id]
	for _, i := range fs {
		f := &ix.d.WSFrames[i]
		if f.Direction == "sent" {
			s.Sent++
		} else {
			s.Received++
		}
		s.Bytes += int64(f.Length)
		if s.URL == "" {
			s.URL = f.URL
		}
	}
	s.URL = Cut(s.URL, rowURLBytes)
	if len(fs) > 0 {
		s.First = framePreview(&ix.d.WSFrames[fs[0]])
		if len(fs) > 1 {
			s.Last = framePreview(&ix.d.WSFrames[fs[len(fs)-1]])
		}
	}
	return s
}

func framePreview(f *api.WSFrame) *api.FramePreview {
	p := &api.FramePreview{Direction: f.Direction, Timestamp: f.Timestamp, Binary: f.Binary, Length: f.Length}
	if f.Binary {
		if b, err := base64.StdEncoding.DecodeString(f.Payload); err == nil {
			p.Payload = base64.StdEncoding.EncodeToString(cutBytes(b, previewBytes*3/4, false))
		}
	} else {
		p.Payload = Cut(f.Payload, previewBytes)
	}
	return p
}

func streamSummary(s *api.StreamingResponse) api.StreamSummary {
	out := api.StreamSummary{RequestID: s.RequestID, URL: Cut(s.URL, rowURLBytes), Kind: s.Kind, Complete: s.Complete}
	var items []api.ItemPreview
	for _, m := range s.Messages {
		out.Bytes += int64(len(m.Data))
		items = append(items, api.ItemPreview{Timestamp: m.Timestamp, EventName: m.EventName, Data: m.Data, Length: len(m.Data)})
	}
	for _, c := range s.Chunks {
		out.Bytes += int64(c.Length)
		data := c.Data
		if data == "" && c.DataBase64 != "" {
			data = "base64:" + c.DataBase64
		}
		items = append(items, api.ItemPreview{Timestamp: c.Timestamp, Data: data, Length: c.Length})
	}
	out.Items = len(items)
	if len(items) > 0 {
		first := items[0]
		first.Data = Cut(first.Data, previewBytes)
		out.First = &first
		if len(items) > 1 {
			last := items[len(items)-1]
			last.Data = Cut(last.Data, previewBytes)
			out.Last = &last
		}
	}
	return out
}
