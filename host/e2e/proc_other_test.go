//go:build !unix

package e2e

import "os/exec"

func ownProcessGroup(*exec.Cmd) {}

func stopProcessGroup(cmd *exec.Cmd, _ bool) { _ = cmd.Process.Kill() }

func heapProfile(int) {}
