//go:build !unix

package capturetest

import "time"

// CPUTime is unknown here: benchmarks report wall time only.
func CPUTime() time.Duration { return 0 }
