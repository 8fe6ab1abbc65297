package outfile

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func TestCapturePath(t *testing.T) {
	dir := "/home/me/.local/share/tabtap/captures"
	for _, c := range []struct{ in, format, want, err string }{
		{"c.json", "json", dir + "/c.json", ""},
		{"sub/c.har", "har", dir + "/sub/c.har", ""},
		{"/tmp/x/../c.JSON", "json", "/tmp/c.JSON", ""},
		{"/home/me/.bashrc", "json", "", "must end in .json or .har"},
		{"c.har", "json", "", "pass format \"har\""},
		{"", "json", "", "empty"},
	} {
		got, err := CapturePath(dir, c.in, c.format)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %q %v, want %q", c.in, got, err, c.want)
		}
	}
}

func TestWriteNeverReplacesUnasked(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "captures")
	inside := filepath.Join(dir, "c.json")
	if err := Write(dir, inside, false, writeString("one")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the captures folder: %v %v", fi.Mode(), err)
	}
	if fi, _ := os.Stat(inside); fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v", fi.Mode())
	}
	err := Write(dir, inside, false, writeString("two"))
	if err == nil || !strings.Contains(err.Error(), "overwrite: true") {
		t.Errorf("writing over a file: %v", err)
	}
	if b, _ := os.ReadFile(inside); string(b) != "one" {
		t.Errorf("the file was changed to %q", b)
	}
	if err := Write(dir, inside, true, writeString("three")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(inside); string(b) != "three" {
		t.Errorf("overwrite: %q", b)
	}
	link := filepath.Join(base, "link.json")
	os.Symlink(filepath.Join(base, "target"), link)
	if err := Write(dir, link, true, writeString("x")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("writing through a symlink: %v", err)
	}
	if _, err := os.Stat(filepath.Join(base, "target")); err == nil {
		t.Error("the symlink's target was written")
	}
	if err := Write(dir, filepath.Join(base, "no", "such", "c.json"), false, writeString("x")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing folder: %v", err)
	}
	// A write that fails leaves nothing behind.
	failing := filepath.Join(base, "half.json")
	if err := Write(dir, failing, false, func(w io.Writer) error { io.WriteString(w, "{"); return io.ErrClosedPipe }); err == nil {
		t.Fatal("a failing write succeeded")
	}
	if entries, _ := os.ReadDir(base); len(entries) != 2 { // captures, link.json, nothing else
		t.Errorf("left behind: %v", entries)
	}
}

func TestNewPicksAFreeName(t *testing.T) {
	dir := t.TempDir()
	a, err := New(dir, "capture_1_../9.1", "application/json; charset=utf-8", []byte("{}"))
	if err != nil || filepath.Base(a) != "capture_1_.._9.1.json" || filepath.Dir(a) != dir {
		t.Fatalf("%q %v", a, err)
	}
	b, err := New(dir, "capture_1_../9.1", "application/json", []byte("{}"))
	if err != nil || filepath.Base(b) != "capture_1_.._9.1-2.json" || filepath.Dir(b) != dir {
		t.Errorf("second name %q %v", b, err)
	}
	if c, _ := New(dir, "x", "image/png", []byte{1}); !strings.HasSuffix(c, ".png") {
		t.Errorf("png: %q", c)
	}
}

func TestDirFor(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		goos string
		env  func(string) string
		want string
	}{
		{"linux", env("HOME", "/home/me"), "/home/me/.local/share/tabtap/captures"},
		{"linux", env("HOME", "/home/me", "XDG_DATA_HOME", "/data"), "/data/tabtap/captures"},
		{"darwin", env("HOME", "/Users/me"), "/Users/me/Library/Application Support/tabtap/captures"},
		{"windows", env("LOCALAPPDATA", `C:\Users\me\AppData\Local`), filepath.Join(`C:\Users\me\AppData\Local`, "tabtap", "captures")},
		{"linux", env("HOME", "/home/me", EnvDir, "/elsewhere"), "/elsewhere"},
	} {
		if got := DirFor(c.goos, c.env); got != c.want {
			t.Errorf("%s: %q, want %q", c.goos, got, c.want)
		}
	}
}
