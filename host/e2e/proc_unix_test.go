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
