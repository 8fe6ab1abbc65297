package capture

import (
	"github.com/tabtap/tabtap/host/api"
	"time"
)

// Saved is a stopped capture in a form that can be written down and read
// back: the daemon keeps its captures this way across a restart of the
// extension's service worker.
type Saved struct {
	ID      string      `json:"id"`
	Options api.Options `json:"options"`
	MainTab int64       `json:"mainTab"`
	Start   time.Time   `json:"startTime"`
	End     time.Time   `json:"endTime"`
	Reason  string      `json:"endReason,omitempty"`
	// StartedBy is "agent" or "popup".
	StartedBy string      `json:"startedBy,omitempty"`
	Bytes     int64       `json:"bytes"`
	Dropped   api.Dropped `json:"dropped"`
	Data      api.Data    `json:"data"`
}

// Save returns the capture as a Saved, secrets hidden as in Data: what is
// written down holds no more than a reader could see. The capture should
// be stopped; Save of a running capture saves what it holds so far.
func (c *Capture) Save() Saved {
	var s Saved
	s.Data = c.view(func() taken {
		end := c.endTime
		if end.IsZero() {
			end = time.Now().UTC()
		}
		s = Saved{
			ID: c.id, Options: c.Options(), MainTab: c.mainTab, Start: c.startTime, End: end,
			Reason: c.endReason, StartedBy: c.by, Bytes: c.bytes, Dropped: c.dropped,
		}
		return c.copyData()
	})
	return s
}

// Restore returns a stopped capture holding what s holds.
func Restore(s Saved) *Capture {
	c := New(s.ID, s.MainTab, s.Options, nil, nil)
	c.cancel()
	close(c.done)
	c.tabs = map[int64]bool{}
	c.state, c.startTime, c.endTime, c.endReason, c.by = StateStopped, s.Start, s.End, s.Reason, s.StartedBy
	c.restored = true
	c.bytes, c.dropped = s.Bytes, s.Dropped
	for _, r := range s.Dropped.Reasons {
		c.reasons[r] = true
	}
	for i := range s.Data.Requests {
		c.requests = append(c.requests, &s.Data.Requests[i])
	}
	for i := range s.Data.Responses {
		c.responses = append(c.responses, &s.Data.Responses[i])
	}
	for i := range s.Data.WSFrames {
		c.frames.add(&s.Data.WSFrames[i])
	}
	for i := range s.Data.StreamingResponses {
		c.streams = append(c.streams, &s.Data.StreamingResponses[i])
	}
	return c
}
