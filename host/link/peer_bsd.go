//go:build darwin || freebsd

package link

import (
	"errors"
	"net"

	"golang.org/x/sys/unix"
)

// peerUID reads the uid of a unix socket's other end (getpeereid, through
// LOCAL_PEERCRED).
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
	if err := raw.Control(func(fd uintptr) {
		uid, serr = getpeereid(int(fd))
	}); err != nil {
		return 0, false, err
	}
	if serr != nil {
		return 0, false, serr
	}
	return uid, true, nil
}

func getpeereid(fd int) (int, error) {
	cred, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return 0, err
	}
	return int(cred.Uid), nil
}
