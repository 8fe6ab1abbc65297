//go:build linux

package mcplink

import "syscall"

// socketPeerUID reads SO_PEERCRED.
func socketPeerUID(fd int) (int, error) {
	cred, err := syscall.GetsockoptUcred(fd, syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	if err != nil {
		return 0, err
	}
	return int(cred.Uid), nil
}
