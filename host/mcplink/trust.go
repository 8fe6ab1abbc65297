package mcplink

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
)

// playedUID, when not zero, is one more than the uid this process takes
// itself for: tests play another user with it.
var playedUID atomic.Int64

// ownUID is this process's user.
func ownUID() int {
	if v := playedUID.Load(); v != 0 {
		return int(v - 1)
	}
	return os.Getuid()
}

// ErrUntrusted marks a runtime directory, registration or socket that
// another user could control, or a peer that is another user.
var ErrUntrusted = errors.New("not trusted")

// untrusted wraps why something is not trusted, with what to do.
func untrusted(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUntrusted}, args...)...)
}

// fixDir says how to get out of an untrusted runtime directory.
const fixDir = "remove it (it may take root if another user made it), or set TABTAP_RUNTIME_DIR to a private directory of yours for both the browser and the MCP client"

// checkDir checks a runtime directory as both sides see it: a real
// directory (not a symbolic link), owned by this user, that no other user
// can enter (mode 0700). fix, when set, may tighten the mode of a
// directory this user owns.
func checkDir(dir string, fix bool) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return untrusted("runtime directory %s is a symbolic link: tabtap uses only a real directory that you own; %s", dir, fixDir)
	}
	if !fi.IsDir() {
		return untrusted("runtime directory %s is not a directory; %s", dir, fixDir)
	}
	if err := checkOwner(fi); err != nil {
		return untrusted("runtime directory %s: %v: another user may be trying to intercept tabtap; %s", dir, err, fixDir)
	}
	if checksMode && fi.Mode().Perm() != 0o700 {
		if !fix {
			return untrusted("runtime directory %s has mode %04o: other users may enter it (tabtap makes it 0700; run `chmod 700 %s`)", dir, fi.Mode().Perm(), dir)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("making the runtime directory private: %w", err)
		}
	}
	return nil
}

// CheckRuntimeDir checks the runtime directory before an MCP process
// trusts anything in it: it must be a real directory, not a symbolic link,
// owned by this user, of mode 0700. A directory that does not exist yet
// passes (no browser has started).
func CheckRuntimeDir(dir string) error {
	err := checkDir(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// checkPrivateFile checks a registration: a regular file (not a link)
// owned by this user that only this user can read.
func checkPrivateFile(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return untrusted("%s is not a regular file", path)
	}
	if err := checkOwner(fi); err != nil {
		return untrusted("%s: %v", path, err)
	}
	if checksMode && fi.Mode().Perm()&0o077 != 0 {
		return untrusted("%s has mode %04o: other users may read it", path, fi.Mode().Perm())
	}
	return nil
}

// checkSocket checks a registration's socket before dialing it: it must
// be in the runtime directory, be a socket (not a link) and belong to this
// user.
func checkSocket(dir, socket string) error {
	if filepath.Clean(filepath.Dir(socket)) != filepath.Clean(dir) {
		return untrusted("socket %s is outside the runtime directory %s", socket, dir)
	}
	fi, err := os.Lstat(socket)
	if err != nil {
		return err
	}
	if checksMode && fi.Mode()&fs.ModeSocket == 0 {
		return untrusted("%s is not a socket", socket)
	}
	if err := checkOwner(fi); err != nil {
		return untrusted("socket %s: %v", socket, err)
	}
	return nil
}

// checkPeer refuses a connection whose other end runs as another user.
// Where the system cannot say (Windows), the socket's place in the
// private runtime directory is the protection.
func checkPeer(c net.Conn) error {
	uid, known, err := peerUID(c)
	if err != nil {
		return fmt.Errorf("reading the peer's credentials: %w", err)
	}
	if known && uid != ownUID() {
		return untrusted("the other end of the socket runs as uid %d, not as you (uid %d)", uid, ownUID())
	}
	return nil
}
