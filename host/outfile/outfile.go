// Package outfile decides where the files an agent asks for go, and
// writes them without ever replacing a file by surprise: whole captures
// (outputPath) and single bodies (saveBody). A relative name lands in the
// captures folder, a documented per-user folder; only .json and .har
// captures are written; an existing file is replaced only when the caller
// says so.
package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/tabtap/tabtap/host/atomicfile"
)

// EnvDir overrides the captures folder.
const EnvDir = "TABTAP_CAPTURES_DIR"

// Dir is the captures folder: $TABTAP_CAPTURES_DIR, else tabtap/captures
// in the user's data folder ($XDG_DATA_HOME or ~/.local/share on Linux,
// ~/Library/Application Support on macOS, %LOCALAPPDATA% on Windows).
func Dir() string { return DirFor(runtime.GOOS, os.Getenv) }

// DirFor is Dir's rule for a system goos whose environment getenv reads.
func DirFor(goos string, getenv func(string) string) string {
	if d := getenv(EnvDir); d != "" {
		return d
	}
	home := getenv("HOME")
	switch goos {
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "tabtap", "captures")
		}
		home = getenv("USERPROFILE")
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "tabtap", "captures")
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "tabtap", "captures")
		}
	}
	return filepath.Join(home, ".local", "share", "tabtap", "captures")
}

// Error is a path the caller must change; its message says how.
type Error struct{ msg string }

// Error is the sentence for the caller.
func (e *Error) Error() string { return e.msg }

func errorf(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// CapturePath resolves an outputPath for a capture in format ("json" or
// "har"): an absolute path stays, a relative one goes into dir. The name
// must end in .json or .har.
func CapturePath(dir, p, format string) (string, error) {
	if p == "" {
		return "", errorf("outputPath is empty")
	}
	ext := strings.ToLower(filepath.Ext(p))
	if ext != ".json" && ext != ".har" {
		return "", errorf("outputPath %q must end in .json or .har (tabtap writes captures only under those names)", p)
	}
	if ext == ".har" && format != "har" {
		return "", errorf("outputPath %q ends in .har but format is json: pass format \"har\", or name the file .json", p)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p), nil
}

// Check says, before any work, whether Write could write path: its
// folder exists (or is the captures folder, created when needed), and it
// names no existing file unless replace is true, and then a regular one.
func Check(dir, path string, replace bool) error {
	if !inside(dir, path) {
		if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
			return errorf("the folder of %s does not exist; give a path in an existing folder, or a bare file name for the captures folder %s", path, dir)
		}
	}
	if fi, err := os.Lstat(path); err == nil {
		if !replace {
			return errorf("%s already exists; tabtap does not replace files unless asked: choose another name, or pass overwrite: true", path)
		}
		if !fi.Mode().IsRegular() {
			return errorf("%s exists and is not a regular file; choose another name", path)
		}
	}
	return nil
}

// Write writes what write produces to path, mode 0600, after Check. The
// captures folder is created (0700) when path is inside it. An existing
// file is replaced only when replace is true.
func Write(dir, path string, replace bool, write func(io.Writer) error) error {
	if err := Check(dir, path, replace); err != nil {
		return err
	}
	if inside(dir, path) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return fmt.Errorf("creating the captures folder %s: %w", filepath.Dir(path), err)
		}
	}
	err := atomicfile.WriteFunc(path, 0o600, replace, write)
	if errors.Is(err, fs.ErrExist) {
		return errorf("%s already exists; tabtap does not replace files unless asked: choose another name, or pass overwrite: true", path)
	}
	return err
}

func inside(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// New writes data as a new file in dir named after base (made safe) with
// an extension for mimeType; a taken name gets -2, -3, … It returns the
// path written.
func New(dir, base, mimeType string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating the captures folder %s: %w", dir, err)
	}
	base = strings.Trim(unsafeName.ReplaceAllString(base, "_"), "._")
	if base == "" {
		base = "body"
	}
	ext := extension(mimeType)
	for i := 1; i < 1000; i++ {
		name := base + ext
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		path := filepath.Join(dir, name)
		err := atomicfile.WriteFunc(path, 0o600, false, func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		})
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return path, err
	}
	return "", errorf("no free file name for %s in %s", base, dir)
}

// extension picks a file extension for a MIME type.
func extension(mimeType string) string {
	m, _, _ := mime.ParseMediaType(mimeType)
	switch {
	case m == "":
		return ".bin"
	case m == "application/json" || strings.HasSuffix(m, "+json"):
		return ".json"
	case m == "text/javascript" || m == "application/javascript":
		return ".js"
	case m == "text/html":
		return ".html"
	case m == "text/css":
		return ".css"
	case m == "text/plain":
		return ".txt"
	case m == "image/svg+xml":
		return ".svg"
	}
	if exts, _ := mime.ExtensionsByType(m); len(exts) > 0 {
		return exts[0]
	}
	if strings.HasPrefix(m, "text/") {
		return ".txt"
	}
	return ".bin"
}
