//go:build linux || darwin || freebsd

package mcplink

import (
	"errors"
	"net"
)

// peerUID reads the uid of a unix socket's other end from the kernel.
func peerUID(c net.Conn) (int, bool, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return 0, false, errors.New("not a unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return 0, false, err
	}
	var uid int
	var serr error
	if err := raw.Control(func(fd uintptr) { uid, serr = socketPeerUID(int(fd)) }); err != nil {
		return 0, false, err
	}
	if serr != nil {
		return 0, false, serr
	}
	return uid, true, nil
}
