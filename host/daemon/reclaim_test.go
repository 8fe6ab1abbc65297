package daemon

import (
	"sync/atomic"
	"testing"
	"time"
)

var sink []byte

// TestReclaimAfterLargeOperations gives memory back once after operations
// that allocated much, however many of them come together, and never
// after small ones.
func TestReclaimAfterLargeOperations(t *testing.T) {
	var freed atomic.Int32
	done := make(chan struct{}, 4)
	r := reclaimer{free: func() { freed.Add(1); done <- struct{}{} }}
	r.around(func() { sink = make([]byte, 1<<10) })
	time.Sleep(2 * reclaimDelay)
	if n := freed.Load(); n != 0 {
		t.Fatalf("a small operation gave memory back %d times", n)
	}
	for range 3 {
		r.around(func() { sink = make([]byte, reclaimAfter+1) })
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("memory was not given back after a large operation")
	}
	time.Sleep(2 * reclaimDelay)
	if n := freed.Load(); n != 1 {
		t.Fatalf("three large operations together gave memory back %d times, want once", n)
	}
	sink = nil
}
