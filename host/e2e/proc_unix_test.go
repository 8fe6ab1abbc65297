//go:build unix

package e2e

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the browser in a process group of its own, so
// that stopping it stops its helpers (and the daemon it started) too.
func ownProcessGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// stopProcessGroup asks the browser's group to end, or forces it.
func stopProcessGroup(cmd *exec.Cmd, force bool) {
	sig := syscall.SIGTERM
	if force {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}

// heapProfile asks a daemon started with TABTAP_PROFILE for a heap
// profile now (it writes heap-N.pprof on SIGUSR1).
func heapProfile(pid int) { _ = syscall.Kill(pid, syscall.SIGUSR1) }
