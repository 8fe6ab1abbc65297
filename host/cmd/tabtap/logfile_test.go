package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The daemon's log rotates while the daemon runs, not only when it starts,
// and so stays bounded.
func TestLogRotatesWhileRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daemon.log")
	if err := os.WriteFile(path, bytes.Repeat([]byte("old\n"), 300), 0o600); err != nil { // 1200 bytes, past max
		t.Fatal(err)
	}
	const limit = 1000
	l, err := openLog(path, limit)
	if err != nil {
		t.Fatal(err)
	}
	var last string
	for i := range 500 {
		last = fmt.Sprintf("line %03d of a daemon that runs for days\n", i)
		if _, err := l.Write([]byte(last)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	cur, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := os.ReadFile(path + ".1")
	if err != nil {
		t.Fatalf("no rotated log: %v", err)
	}
	if len(cur) > limit || len(prev) > limit || len(cur) == 0 {
		t.Errorf("log sizes %d and %d, want each at most %d", len(cur), len(prev), limit)
	}
	if !bytes.HasSuffix(cur, []byte(last)) {
		t.Errorf("the log does not end with the last line: %q", cur[max(0, len(cur)-80):])
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %o, want 600", fi.Mode().Perm())
	}
}
