package mcplink

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// asAnotherUser makes this process believe it runs as another user for
// the rest of the test: what it owns is then someone else's.
func asAnotherUser(t *testing.T) {
	playedUID.Store(int64(os.Getuid()) + 2)
	t.Cleanup(func() { playedUID.Store(0) })
}

func TestRuntimeDirOfAnotherUserIsRefusedByBothSides(t *testing.T) {
	dir := runtimeDir(t)
	if err := EnsureRuntimeDir(dir); err != nil {
		t.Fatal(err)
	}
	asAnotherUser(t)
	err := EnsureRuntimeDir(dir)
	if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "not to you") || !strings.Contains(err.Error(), "TABTAP_RUNTIME_DIR") {
		t.Errorf("the daemon's side: %v", err)
	}
	if _, err := Listen(dir, Registration{Tag: "t1"}, nil, slog.New(slog.DiscardHandler)); !errors.Is(err, ErrUntrusted) {
		t.Errorf("Listen: %v", err)
	}
	if _, err := Discover(dir); !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "another user") {
		t.Errorf("the MCP side: %v", err)
	}
	if _, _, err := NewPool(dir).Daemons(context.Background()); !errors.Is(err, ErrUntrusted) {
		t.Errorf("Pool.Daemons: %v", err)
	}
}

func TestSymlinkedRuntimeDirIsRefusedByBothSides(t *testing.T) {
	real := runtimeDir(t)
	if err := EnsureRuntimeDir(real); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(filepath.Dir(real), "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := EnsureRuntimeDir(link); !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("the daemon's side: %v", err)
	}
	if _, err := Discover(link); !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("the MCP side: %v", err)
	}
}

func TestOpenRuntimeDirIsRefusedByTheMCPSide(t *testing.T) {
	dir := runtimeDir(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := Discover(dir); !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "chmod 700") {
		t.Errorf("an open directory: %v", err)
	}
	if err := EnsureRuntimeDir(dir); err != nil || mode(t, dir) != 0o700 {
		t.Errorf("the daemon does not make its own directory private: %v", err)
	}
}

func TestRegistrationsAndSocketsMustBeTheUsers(t *testing.T) {
	dir := runtimeDir(t)
	var h echo
	s := listen(t, dir, "aa11", h.handle)
	reg := s.Registration()
	// A registration readable by others, or a link, is skipped.
	other := filepath.Join(dir, "bb22.json")
	b, _ := os.ReadFile(registrationPath(dir, "aa11"))
	os.WriteFile(other, []byte(strings.ReplaceAll(string(b), "aa11", "bb22")), 0o644)
	os.Symlink(registrationPath(dir, "aa11"), filepath.Join(dir, "cc33.json"))
	regs, err := Discover(dir)
	if err != nil || len(regs) != 1 || regs[0].Tag != "aa11" {
		t.Errorf("Discover: %+v %v", regs, err)
	}
	// A socket outside the runtime directory is not dialed.
	if err := checkSocket(dir, "/tmp/elsewhere.sock"); !errors.Is(err, ErrUntrusted) {
		t.Errorf("a socket elsewhere: %v", err)
	}
	if err := checkSocket(dir, reg.Socket); err != nil {
		t.Errorf("the daemon's own socket: %v", err)
	}
}

func TestPeerOfAnotherUserIsRefused(t *testing.T) {
	dir := runtimeDir(t)
	var h echo
	s := listen(t, dir, "dd44", h.handle)
	// The MCP side: a daemon that runs as another user.
	asAnotherUser(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := Dial(ctx, s.Registration()); !errors.Is(err, ErrUntrusted) && (err == nil || !strings.Contains(err.Error(), "not as you")) {
		t.Errorf("Dial to another user's daemon: %v", err)
	}
	// The daemon's side: a client that runs as another user.
	sock := filepath.Join(dir, "peer.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	pl := peerChecked{ln, slog.New(slog.DiscardHandler)}
	accepted := make(chan error, 1)
	go func() {
		c, err := pl.Accept()
		if c != nil {
			c.Close()
		}
		accepted <- err
	}()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(wait))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("the daemon's side kept a connection from another user")
	}
	ln.Close()
	if err := <-accepted; err == nil {
		t.Error("Accept returned a connection from another user")
	}
}
