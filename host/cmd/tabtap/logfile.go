package main

import (
	"fmt"
	"os"
	"sync"
)

// maxLogBytes is the size past which the daemon's log starts anew.
const maxLogBytes = 5 << 20

// logFile is the daemon's log file. Before a write would take it past max
// bytes, it is renamed to path+".1" (replacing the previous one) and
// started anew, so that however long the daemon runs, its log holds at
// most max bytes and one older file beside it.
type logFile struct {
	path string
	max  int64
	mu   sync.Mutex
	f    *os.File
	size int64
}

// openLog opens (or creates, mode 0600) the log at path, for appending.
func openLog(path string, max int64) (*logFile, error) {
	l := &logFile{path: path, max: max}
	if err := l.open(os.O_APPEND); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *logFile) open(flag int) error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|flag, 0o600)
	if err != nil {
		return fmt.Errorf("opening the log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("opening the log: %w", err)
	}
	l.f, l.size = f, fi.Size()
	return nil
}

// Write appends p, rotating first when p would take the file past max.
func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	if l.size > 0 && l.size+int64(len(p)) > l.max {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// rotate moves the log aside and starts a new one. l.mu is held.
func (l *logFile) rotate() error {
	l.f.Close()
	l.f = nil
	_ = os.Rename(l.path, l.path+".1") // another daemon of the same directory may have moved it already
	return l.open(os.O_TRUNC)
}

// Close closes the file.
func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
