package mcplink

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/atomicfile"
)

// EnvRuntimeDir overrides the runtime directory.
const EnvRuntimeDir = "TABTAP_RUNTIME_DIR"

// RuntimeDir returns the runtime directory: $TABTAP_RUNTIME_DIR, else a
// per-user directory ($XDG_RUNTIME_DIR/tabtap on Linux). It does not
// create it.
func RuntimeDir() string { return RuntimeDirFor(runtime.GOOS, os.Getenv) }

// RuntimeDirFor is RuntimeDir's rule for a system goos whose environment
// getenv reads; the installer uses it to diagnose another environment.
func RuntimeDirFor(goos string, getenv func(string) string) string {
	if d := getenv(EnvRuntimeDir); d != "" {
		return d
	}
	switch goos {
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "tabtap", "run")
		}
		return filepath.Join(os.TempDir(), "tabtap")
	case "darwin":
		if d := getenv("TMPDIR"); d != "" {
			return filepath.Join(d, "tabtap")
		}
	default:
		if d := getenv("XDG_RUNTIME_DIR"); d != "" {
			return filepath.Join(d, "tabtap")
		}
	}
	tmp := getenv("TMPDIR")
	if tmp == "" {
		tmp = "/tmp"
	}
	return filepath.Join(tmp, fmt.Sprintf("tabtap-%d", os.Getuid()))
}

// EnsureRuntimeDir creates dir with mode 0700, or checks that an existing
// one is a real directory (not a symbolic link) that belongs to this user,
// and tightens its mode. A directory another user made first (the
// predictable /tmp/tabtap-<uid>, say) is refused: their sockets could
// pose as the daemon's.
func EnsureRuntimeDir(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return fmt.Errorf("creating the runtime directory: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating the runtime directory: %w", err)
	}
	return checkDir(dir, true)
}

// Registration is what a daemon writes beside its socket so that MCP
// processes can find it.
type Registration struct {
	// Tag names the daemon; it is stable for a browser profile.
	Tag string `json:"tag"`
	// Socket is the unix socket's path.
	Socket string `json:"socket"`
	// Token must be presented by every client.
	Token string `json:"token"`
	PID   int    `json:"pid"`
	// Browser is the profile's label, e.g. "Chromium 156 (3f2a)".
	Browser   string    `json:"browser"`
	Version   string    `json:"version"`
	StartedAt time.Time `json:"startedAt"`
}

// registrationPath is where the registration of tag lives in dir.
func registrationPath(dir, tag string) string { return filepath.Join(dir, tag+".json") }

// SocketPath is where the daemon of tag listens in dir.
func SocketPath(dir, tag string) string { return filepath.Join(dir, tag+".sock") }

// NewToken returns a random token.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// writeRegistration writes r into dir, readable by this user only.
func writeRegistration(dir string, r Registration) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the registration: %w", err)
	}
	return atomicfile.Write(registrationPath(dir, r.Tag), b, 0o600)
}

// Discover reads the registrations in dir, newest first. A missing
// directory holds none; unreadable files, and files that are not private
// to this user, are skipped. A directory another user could control is an
// error (ErrUntrusted) that says what to do.
func Discover(dir string) ([]Registration, error) {
	if err := CheckRuntimeDir(dir); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the runtime directory: %w", err)
	}
	var out []Registration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if checkPrivateFile(path) != nil {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var r Registration
		if json.Unmarshal(b, &r) != nil || r.Socket == "" || r.Token == "" {
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartedAt.After(out[j].StartedAt) })
	return out, nil
}
