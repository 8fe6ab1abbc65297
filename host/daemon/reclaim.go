package daemon

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// A read of a large capture (a stop, a search, a page of a capture of
// hundreds of thousands of records) makes copies that are garbage once its
// answer is sent. Left alone, the Go runtime keeps that memory from the
// system until the heap grows into it again, and an idle daemon sits on
// the peak of its busiest call. After an operation that allocated more
// than reclaimAfter, the daemon collects and gives the memory back, once
// the answer has had time to go out, at most once per reclaimEvery.
const (
	reclaimAfter = 32 << 20
	reclaimDelay = 300 * time.Millisecond
	reclaimEvery = 2 * time.Second
)

// reclaimer gives memory back after large operations.
type reclaimer struct {
	mu      sync.Mutex
	pending bool
	last    time.Time
	// free returns memory to the system (debug.FreeOSMemory; a variable
	// for tests).
	free func()
}

// allocated is how many bytes the process has allocated on the heap so
// far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// around runs op, and gives memory back after it when it allocated much.
func (r *reclaimer) around(op func()) {
	before := allocated()
	op()
	if allocated()-before < reclaimAfter {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending {
		return
	}
	r.pending = true
	wait := max(reclaimDelay, reclaimEvery-time.Since(r.last))
	time.AfterFunc(wait, func() {
		free := r.free
		if free == nil {
			free = debug.FreeOSMemory
		}
		free()
		r.mu.Lock()
		r.pending, r.last = false, time.Now()
		r.mu.Unlock()
	})
}
