package capture

import (
	"math"
	"time"
)

// clock turns the browser's monotonic timestamps into wall-clock time.
// Only requestWillBeSent and webSocketWillSendHandshakeRequest carry a wall
// time beside their monotonic one; the offset between the two is learned
// from them. Before the first of them arrives the offset is estimated from
// the host's own clock, which is off by the relay's latency at most.
type clock struct {
	offset float64 // wall seconds minus monotonic seconds
	set    bool
	now    func() time.Time
}

// learn records a pair of wall and monotonic readings of one instant.
func (c *clock) learn(mono, wall float64) {
	if mono <= 0 || wall <= 0 {
		return
	}
	c.offset, c.set = wall-mono, true
}

// wall converts a monotonic timestamp in seconds.
func (c *clock) wall(mono float64) time.Time {
	if mono <= 0 {
		return c.now().UTC()
	}
	if !c.set {
		c.offset, c.set = float64(c.now().UnixNano())/1e9-mono, true
	}
	return seconds(mono + c.offset)
}

// seconds converts seconds since the epoch to a UTC time, to the
// microsecond.
func seconds(s float64) time.Time {
	sec, frac := math.Modf(s)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
}
