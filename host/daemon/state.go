package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tabtap/tabtap/host/capture"
	"github.com/tabtap/tabtap/host/mcplink"
	"github.com/tabtap/tabtap/host/redact"

	"github.com/tabtap/tabtap/host/atomicfile"
)

// Captures outlive the daemon that took them when the extension's service
// worker restarts (an update, a reload, the browser recycling it): the
// browser closes the port, a new daemon starts for the same profile, and
// the old one has written its captures into the runtime directory for the
// new one to read. The file is private (0600, in the 0700 runtime
// directory) and read once.

// maxSavedAge is how old a saved state may be and still be read: a service
// worker restarts within seconds; older files were left by a browser that
// was closed, and are deleted unread.
const maxSavedAge = 10 * time.Minute

// savedState is what a daemon writes down when it ends.
type savedState struct {
	Seq      int            `json:"seq"`
	Evicted  int            `json:"evicted"`
	SavedAt  time.Time      `json:"savedAt"`
	Sessions []savedSession `json:"sessions"`
}

type savedSession struct {
	ID    string `json:"id"`
	TabID int64  `json:"tabId"`
	URL   string `json:"url"`
	Title string `json:"title"`
	// StartedBy is read from the files of older daemons only: a capture
	// now says who started it (capture.Saved.StartedBy).
	StartedBy string         `json:"startedBy,omitempty"`
	Created   time.Time      `json:"created"`
	Closed    bool           `json:"closed"`
	TabClosed bool           `json:"tabClosed"`
	Capture   *capture.Saved `json:"capture,omitempty"`
	// Earlier are the session's stopped captures before the latest.
	Earlier []capture.Saved `json:"earlier,omitempty"`
}

// statePath is where a daemon leaves its captures. Not a .json name: those
// are the registrations MCP processes read.
func statePath(dir, tag string) string { return filepath.Join(dir, tag+".captures") }

// save writes the daemon's sessions and captures for its successor.
func (d *Daemon) save() error {
	d.mu.Lock()
	st := savedState{Seq: d.seq, Evicted: d.evicted, SavedAt: time.Now().UTC()}
	for _, s := range d.order {
		if s.capture == nil && len(s.earlier) == 0 && (s.closed || s.evicted) {
			continue
		}
		// Written down: the tab's URL with its secrets hidden, like the
		// capture's records.
		ss := savedSession{ID: s.id, TabID: s.tabID, URL: redact.URL(s.url), Title: s.title,
			Created: s.created, Closed: s.closed, TabClosed: s.tabClosed}
		if s.capture != nil {
			saved := s.capture.Save()
			ss.Capture = &saved
		}
		for _, c := range s.earlier {
			ss.Earlier = append(ss.Earlier, c.Save())
		}
		st.Sessions = append(st.Sessions, ss)
	}
	tag := d.tag
	d.mu.Unlock()
	if len(st.Sessions) == 0 {
		return nil
	}
	path := statePath(d.opts.RuntimeDir, tag)
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("saving the captures: %w", err)
	}
	if err := atomicfile.Write(path, b, 0o600); err != nil {
		return fmt.Errorf("saving the captures: %w", err)
	}
	d.log.Info("captures saved for the next daemon", "sessions", len(st.Sessions), "file", path)
	return nil
}

// restore reads what the previous daemon of this profile saved, once it
// has finished saving.
func (d *Daemon) restore() {
	d.waitForPredecessor()
	removeStaleStates(d.opts.RuntimeDir)
	path := statePath(d.opts.RuntimeDir, d.tag)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	_ = os.Remove(path)
	if err != nil {
		d.log.Warn("reading the previous daemon's captures", "err", err)
		return
	}
	var st savedState
	if err := json.Unmarshal(b, &st); err != nil {
		d.log.Warn("the previous daemon's captures are unreadable", "err", err)
		return
	}
	if time.Since(st.SavedAt) > maxSavedAge {
		d.log.Info("dropping captures saved too long ago", "savedAt", st.SavedAt)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq = max(d.seq, st.Seq)
	d.evicted += st.Evicted
	for _, ss := range st.Sessions {
		s := &session{id: ss.ID, tabID: ss.TabID, url: ss.URL, title: ss.Title,
			created: ss.Created, closed: ss.Closed, tabClosed: ss.TabClosed}
		restore := func(c capture.Saved) *capture.Capture {
			if c.StartedBy == "" {
				c.StartedBy = ss.StartedBy
			}
			return capture.Restore(c)
		}
		if ss.Capture != nil {
			s.capture = restore(*ss.Capture)
		}
		for _, e := range ss.Earlier {
			s.earlier = append(s.earlier, restore(e))
		}
		d.sessions[s.id] = s
		d.order = append(d.order, s)
	}
	d.log.Info("captures restored from the previous daemon", "sessions", len(st.Sessions))
}

// removeStaleStates deletes the saved captures of any profile that are too
// old to be read: captured traffic does not linger on disk.
func removeStaleStates(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.captures"))
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && time.Since(fi.ModTime()) > maxSavedAge {
			_ = os.Remove(f)
		}
	}
}

// waitForPredecessor waits, a few seconds at most, for the previous daemon
// of this profile to finish: it writes its captures before it unregisters.
func (d *Daemon) waitForPredecessor() {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		regs, _ := mcplink.Discover(d.opts.RuntimeDir)
		alive := false
		for _, r := range regs {
			if r.Tag == d.tag && r.PID != os.Getpid() && processAlive(r.PID) {
				alive = true
			}
		}
		if !alive {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.log.Warn("the previous daemon of this profile is still running; going on without waiting")
}

// processAlive reports whether a process exists.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}
