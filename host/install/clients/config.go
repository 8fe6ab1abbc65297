package clients

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/tabtap/tabtap/host/install/nativehost"
)

// maxConfigBytes bounds what is read of a configuration file. Claude Code's
// ~/.claude.json grows with its history but stays far below this.
const maxConfigBytes = 64 << 20

// Entry is tabtap's entry in a client's configuration, as read.
type Entry struct {
	// Command is the program the client starts.
	Command string
	// Args are its arguments.
	Args []string
	// Type is the transport the entry names ("stdio"), empty when it names
	// none.
	Type string
}

// field is one key of the entry the installer writes.
type field struct {
	key      string
	value    any
	ifAbsent bool // written into a new entry, never changed in an existing one
}

// fields are the keys of c's entry for the binary command, in the order
// they are written.
func (c Client) fields(command string) []field {
	var f []field
	if c.Type != "" {
		f = append(f, field{key: "type", value: c.Type})
	}
	f = append(f, field{key: "command", value: command}, field{key: "args", value: ServerArgs})
	if c.EmptyEnv {
		f = append(f, field{key: "env", value: map[string]any{}, ifAbsent: true})
	}
	return f
}

// entryFrom reads an entry decoded from JSON or TOML.
func entryFrom(v any) (*Entry, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("its %q entry is not an object", ServerName)
	}
	e := &Entry{}
	e.Command, _ = m["command"].(string)
	e.Type, _ = m["type"].(string)
	if args, ok := m["args"].([]any); ok {
		for _, a := range args {
			e.Args = append(e.Args, fmt.Sprint(a))
		}
	}
	return e, nil
}

// Problem says what is wrong with e as c's entry for the host binary
// binary; empty when nothing is.
func (c Client) Problem(env nativehost.Env, e *Entry, binary string) string {
	_, statErr := os.Stat(e.Command)
	switch {
	case e.Command == "":
		return "its tabtap entry names no command"
	case !samePath(env, e.Command, binary):
		return fmt.Sprintf("its tabtap entry starts %s, not the installed binary %s", e.Command, binary)
	case statErr != nil:
		return fmt.Sprintf("its tabtap entry starts %s, which does not exist", e.Command)
	case !slices.Equal(e.Args, ServerArgs):
		return fmt.Sprintf("its tabtap entry passes the arguments %q, not %q", e.Args, ServerArgs)
	case c.Type != "" && e.Type != "" && e.Type != c.Type:
		return fmt.Sprintf("its tabtap entry has type %q, not %q", e.Type, c.Type)
	}
	return ""
}

// samePath compares two paths of the machine env describes (Windows paths
// ignore case).
func samePath(env nativehost.Env, a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if env.GOOS() == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

func (c Client) editor() interface {
	lookup(data []byte, c Client) (*Entry, error)
	set(data []byte, c Client, command string) ([]byte, error)
	remove(data []byte, c Client) ([]byte, error)
	decode(data []byte) (map[string]any, error)
} {
	if c.TOML {
		return tomlEditor{}
	}
	return jsonEditor{}
}

func (c Client) format() string {
	if c.TOML {
		return "TOML"
	}
	return "JSON"
}

// Status is what Inspect found in a client's configuration.
type Status struct {
	// Client is the client inspected.
	Client Client
	// Path is its configuration file.
	Path string
	// Found tells whether the client is installed (see Client.Found).
	Found bool
	// Exists tells whether Path exists.
	Exists bool
	// Entry is tabtap's entry, nil when there is none.
	Entry *Entry
	// Err is set when the file cannot be read or parsed.
	Err error
}

// Inspect reads c's configuration on the machine env describes.
func Inspect(env nativehost.Env, c Client) Status {
	s := Status{Client: c, Found: c.Found(env)}
	var err error
	if s.Path, err = c.ConfigPath(env); err != nil {
		s.Err = err
		return s
	}
	data, exists, err := readConfig(s.Path)
	s.Exists = exists
	if err != nil {
		s.Err = err
		return s
	}
	if !exists {
		return s
	}
	if s.Entry, err = c.editor().lookup(data, c); err != nil {
		s.Err = parseError(c, s.Path, err)
	}
	return s
}

// Action says what Configure or Remove did to a file.
type Action string

// The actions.
const (
	// Added: the file had no tabtap entry; it has one now (the file may be
	// new).
	Added Action = "added"
	// Updated: the entry was there and was changed to start the binary.
	Updated Action = "updated"
	// Unchanged: the entry was already right; nothing was written.
	Unchanged Action = "unchanged"
	// Removed: the entry was taken out.
	Removed Action = "removed"
	// Restored: the file was put back as it was before the install (the
	// backup of that time), since nothing else changed in it since.
	Restored Action = "restored"
	// Deleted: the file held nothing but what the install wrote; it is gone.
	Deleted Action = "deleted"
	// Absent: there was no entry to remove.
	Absent Action = "absent"
	// Kept: the entry starts another binary; it was left in place.
	Kept Action = "kept"
)

// Change is what Configure or Remove did to one client's file.
type Change struct {
	// Client is the client whose file it is.
	Client Client
	// Path is the file.
	Path string
	// Action is what was done.
	Action Action
	// Backup is the copy of the previous content written beside the file,
	// when something was changed.
	Backup string
	// From is the backup a Restored file was restored from.
	From string
	// Note says why an entry was Kept.
	Note string
}

// Configure writes tabtap's entry, starting binary with the argument "mcp",
// into c's configuration on the machine env describes. It merges into what
// is there and keeps the previous content in a backup beside the file; it
// changes nothing when the entry is already right, and refuses a file it
// cannot parse.
func Configure(env nativehost.Env, c Client, binary string) (Change, error) {
	ch := Change{Client: c}
	path, real, data, existed, err := c.read(env)
	ch.Path = path
	if err != nil {
		return ch, err
	}
	ed := c.editor()
	before, err := ed.lookup(data, c)
	if err != nil {
		return ch, parseError(c, path, err)
	}
	out, err := ed.set(data, c, binary)
	if err != nil {
		return ch, fmt.Errorf("cannot add tabtap to %s: %w; edit it by hand (see docs/clients.md)", path, err)
	}
	if existed && bytes.Equal(out, data) {
		ch.Action = Unchanged
		return ch, nil
	}
	if err := verify(c, data, out, binary); err != nil {
		return ch, fmt.Errorf("adding tabtap to %s: %w; nothing was written", path, err)
	}
	if ch.Backup, err = writeConfig(real, data, existed, out); err != nil {
		return ch, err
	}
	ch.Action = Added
	if before != nil {
		ch.Action = Updated
	}
	return ch, nil
}

// Remove takes tabtap's entry out of c's configuration on the machine env
// describes, when it starts binary; an entry starting anything else is
// Kept. When the file is exactly what the install made of a backup beside
// it, that backup is put back; when it holds nothing but tabtap's entry, it
// is deleted; otherwise only the entry is taken out.
func Remove(env nativehost.Env, c Client, binary string) (Change, error) {
	ch := Change{Client: c, Action: Absent}
	path, real, data, existed, err := c.read(env)
	ch.Path = path
	if err != nil || !existed {
		return ch, err
	}
	ed := c.editor()
	e, err := ed.lookup(data, c)
	if err != nil {
		return ch, parseError(c, path, err)
	}
	if e == nil {
		return ch, nil
	}
	if !samePath(env, e.Command, binary) {
		ch.Action = Kept
		ch.Note = fmt.Sprintf("its tabtap entry starts %s, not %s", e.Command, binary)
		return ch, nil
	}

	for _, b := range backups(real) {
		old, _, err := readConfig(b)
		if err != nil || bytes.Equal(old, data) {
			continue
		}
		if made, err := ed.set(old, c, binary); err == nil && bytes.Equal(made, data) {
			ch.Action, ch.From = Restored, b
			ch.Backup, err = writeConfig(real, data, true, old)
			return ch, err
		}
	}
	if made, err := ed.set(nil, c, binary); err == nil && bytes.Equal(made, data) {
		if err := os.Remove(real); err != nil {
			return ch, fmt.Errorf("remove %s: %w", path, err)
		}
		ch.Action = Deleted
		return ch, nil
	}
	out, err := ed.remove(data, c)
	if err != nil {
		return ch, fmt.Errorf("cannot take tabtap out of %s: %w; edit it by hand", path, err)
	}
	if err := verify(c, data, out, ""); err != nil {
		return ch, fmt.Errorf("removing tabtap from %s: %w; nothing was written", path, err)
	}
	ch.Action = Removed
	ch.Backup, err = writeConfig(real, data, true, out)
	return ch, err
}

// read reads c's configuration: path is where the client looks, real the
// file behind a link there.
func (c Client) read(env nativehost.Env) (path, real string, data []byte, existed bool, err error) {
	if path, err = c.ConfigPath(env); err != nil {
		return "", "", nil, false, err
	}
	real = followLink(path)
	data, existed, err = readConfig(real)
	return path, real, data, existed, err
}

// verify checks an edit before it is written: the new file parses, holds
// the entry for binary (no entry when binary is empty), and says the same
// as the old one about everything else.
func verify(c Client, old, new []byte, binary string) error {
	ed := c.editor()
	before, err := ed.decode(old)
	if err != nil {
		return err
	}
	after, err := ed.decode(new)
	if err != nil {
		return fmt.Errorf("the edited file would not parse (%v)", err)
	}
	e, err := ed.lookup(new, c)
	if err != nil {
		return err
	}
	switch {
	case binary == "" && e != nil:
		return errors.New("the entry is still there after removing it")
	case binary != "" && (e == nil || e.Command != binary || !slices.Equal(e.Args, ServerArgs) || e.Type != c.Type):
		return errors.New("the edited file does not hold the entry as written")
	}
	if !reflect.DeepEqual(withoutEntry(c, before), withoutEntry(c, after)) {
		return errors.New("the edit would change more than tabtap's entry")
	}
	return nil
}

// withoutEntry is m without tabtap's entry (and without the server list
// when nothing else is in it).
func withoutEntry(c Client, m map[string]any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	servers, ok := m[c.Container].(map[string]any)
	if !ok {
		return m
	}
	rest := map[string]any{}
	for k, v := range servers {
		if k != ServerName {
			rest[k] = v
		}
	}
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	if len(rest) == 0 {
		delete(out, c.Container)
	} else {
		out[c.Container] = rest
	}
	return out
}

func parseError(c Client, path string, err error) error {
	return fmt.Errorf("cannot read %s as %s (%v): correct it or move it away, then run again; it was left as it is", path, c.format(), err)
}

// readConfig reads a configuration file; existed is false when there is
// none.
func readConfig(path string) (data []byte, existed bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, true, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxConfigBytes {
		return nil, true, fmt.Errorf("read %s: larger than %d MiB; not a configuration file the installer edits", path, maxConfigBytes>>20)
	}
	return data, true, nil
}

// followLink returns the file a symbolic link at path points to, so that a
// configuration kept elsewhere (a dotfiles repository) is edited where it
// lives instead of being replaced by a copy.
func followLink(path string) string {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if real, err := filepath.EvalSymlinks(path); err == nil {
			return real
		}
	}
	return path
}
