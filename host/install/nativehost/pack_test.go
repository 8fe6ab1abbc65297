package nativehost

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// packRepoExtension packs the extension this package carries into a
// temporary zip.
func packRepoExtension(t *testing.T) (*Pack, fs.FS) {
	t.Helper()
	src := ExtensionFiles()
	p, err := PackExtension(src, filepath.Join(t.TempDir(), "tabtap.zip"), "")
	if err != nil {
		t.Fatal(err)
	}
	return p, src
}

// The zip holds what a store needs at its root: the manifest without its
// key, the icons and the code; no tests, no package.json.
func TestPackExtension(t *testing.T) {
	p, src := packRepoExtension(t)
	zr, err := zip.OpenReader(p.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	var manifest []byte
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "manifest.json" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			buf.ReadFrom(rc)
			rc.Close()
			manifest = buf.Bytes()
		}
	}
	if !slices.Equal(names, p.Files) {
		t.Errorf("zip holds %v, Pack says %v", names, p.Files)
	}
	for _, want := range []string{"manifest.json", "sw.js", "popup.html", "icons/16.png", "icons/48.png", "icons/128.png"} {
		if !slices.Contains(names, want) {
			t.Errorf("the zip lacks %s: %v", want, names)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "test/") || strings.Contains(n, ".test.") || n == "package.json" || strings.HasPrefix(n, "/") {
			t.Errorf("the zip holds %s", n)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(manifest, &m); err != nil {
		t.Fatalf("manifest in the zip: %v\n%s", err, manifest)
	}
	if _, ok := m["key"]; ok {
		t.Error("the zip's manifest keeps its key")
	}
	orig, _ := fs.ReadFile(src, "manifest.json")
	var o map[string]any
	json.Unmarshal(orig, &o)
	delete(o, "key")
	a, _ := json.Marshal(o)
	b, _ := json.Marshal(m)
	if !bytes.Equal(a, b) || p.Version != o["version"] {
		t.Errorf("the manifest changed beyond its key:\n%s\n%s", a, b)
	}

	// The same source gives the same bytes.
	again, err := PackExtension(src, filepath.Join(t.TempDir(), "again.zip"), "")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(p.Path)
	y, _ := os.ReadFile(again.Path)
	if !bytes.Equal(x, y) {
		t.Error("two packs of the same source differ")
	}
}

// A manifest naming a file that is not there, or without a version, is no
// upload.
func TestPackExtensionRefuses(t *testing.T) {
	for manifest, want := range map[string]string{
		`{"manifest_version": 3, "version": "1", "icons": {"128": "icons/128.png"}}`: "names icons/128.png",
		`{"manifest_version": 3, "background": {"service_worker": "sw.js"}}`:         "no version",
		`{"manifest_version": 3,`: "manifest.json",
	} {
		src := t.TempDir()
		writeFile(t, filepath.Join(src, "manifest.json"), manifest, 0o644)
		out := filepath.Join(t.TempDir(), "x.zip")
		if _, err := PackExtension(os.DirFS(src), out, ""); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", manifest, err, want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: a zip was written", manifest)
		}
	}
}

// With a version, the zip's manifest carries it; the rest stays.
func TestPackExtensionVersion(t *testing.T) {
	p, err := PackExtension(ExtensionFiles(), filepath.Join(t.TempDir(), "tabtap.zip"), "v3.4.5-rc.1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "3.4.5" {
		t.Errorf("version %q", p.Version)
	}
	if _, err := PackExtension(ExtensionFiles(), filepath.Join(t.TempDir(), "x.zip"), "dev"); err == nil {
		t.Error("a version with no numbers was packed")
	}
}
