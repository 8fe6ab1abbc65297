//go:build unix

package main

import (
	"log/slog"
	"os"
	"strconv"
	"syscall"
)

// daemonNice is how far the daemon stands back from the browser for the
// processor. The page the person uses comes first: under load the daemon
// still gets the little it needs (a few percent of a core at ten times
// the load page), from what the browser leaves.
const daemonNice = 10

// yieldToBrowser lowers the daemon's scheduling priority. Linux keeps a
// nice value per thread (new threads take their creator's), so each of
// the threads the runtime has started so far is lowered too.
func yieldToBrowser(log *slog.Logger) {
	if err := syscall.Setpriority(syscall.PRIO_PROCESS, 0, daemonNice); err != nil {
		log.Debug("lowering the daemon's priority", "err", err)
		return
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return // not Linux: the priority is the process's
	}
	for _, t := range tasks {
		if tid, err := strconv.Atoi(t.Name()); err == nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, daemonNice)
		}
	}
}
