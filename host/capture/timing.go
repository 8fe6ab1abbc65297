package capture

import (
	"github.com/tabtap/tabtap/host/api"
	"math"
)

// phase is the length of a ResourceTiming interval in ms, or -1 when the
// browser did not report it.
func phase(start, end float64) float64 {
	if start < 0 || end < 0 || end < start {
		return -1
	}
	return round3(end - start)
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// newTiming derives the phases of a request from the browser's
// ResourceTiming (ms relative to its RequestTime, in seconds). issued is
// the monotonic time requestWillBeSent reported, in seconds.
func newTiming(t *resourceTiming, issued float64) *api.Timing {
	if t == nil || t.RequestTime <= 0 {
		return nil
	}
	out := &api.Timing{
		DNS:     phase(t.DNSStart, t.DNSEnd),
		Connect: phase(t.ConnectStart, t.ConnectEnd),
		SSL:     phase(t.SslStart, t.SslEnd),
		Send:    phase(t.SendStart, t.SendEnd),
		Wait:    phase(t.SendEnd, t.ReceiveHeadersEnd),
		Receive: -1,
	}
	// Blocked is the time from the request's issue to the first thing the
	// network did for it: the queueing before RequestTime, plus any stall
	// after it until DNS, connect or send began.
	first := t.SendStart
	for _, s := range []float64{t.ConnectStart, t.DNSStart} {
		if s >= 0 && s < first {
			first = s
		}
	}
	queued := 0.0
	if issued > 0 && t.RequestTime > issued {
		queued = (t.RequestTime - issued) * 1000
	}
	out.Blocked = round3(queued + math.Max(first, 0))
	out.Total = round3(queued + math.Max(t.ReceiveHeadersEnd, 0))
	return out
}

// finishTiming completes a timing once loading finished at the monotonic time
// end, in seconds.
func finishTiming(t *api.Timing, rt *resourceTiming, issued, end float64) {
	if t == nil || rt == nil || end <= 0 {
		return
	}
	headers := rt.RequestTime*1000 + math.Max(rt.ReceiveHeadersEnd, 0)
	t.Receive = round3(math.Max(end*1000-headers, 0))
	start := issued
	if start <= 0 || start > rt.RequestTime {
		start = rt.RequestTime
	}
	t.Total = round3(end*1000 - start*1000)
}
