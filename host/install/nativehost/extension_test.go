package nativehost

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
)

func TestWriteExtension(t *testing.T) {
	src := fstest.MapFS{}
	for _, name := range []string{
		"manifest.json", "sw.js", "popup.html", "popup/popup.js", "icons/16.png", "_locales/en/messages.json",
		// left out:
		"sw.test.js", "lib/har.spec.mjs", "relay_test.js", "test/fixture.json", "tests/a.js",
		"testdata/events.json", "node_modules/x/index.js", "package.json", "package-lock.json",
		".eslintrc.json", ".git/HEAD", "_private.js", "__tests__/x.js", "embed.go",
	} {
		src[name] = &fstest.MapFile{Data: []byte(name)}
	}
	src["manifest.json"] = &fstest.MapFile{Data: []byte(`{"manifest_version": 3, "version": "0.1.0"}`)}
	dst := filepath.Join(t.TempDir(), "tabtap", "extension")
	if err := WriteExtension(src, dst, ""); err != nil {
		t.Fatal(err)
	}
	want := []string{"_locales/en/messages.json", "icons/16.png", "manifest.json", "popup.html", "popup/popup.js", "sw.js"}
	if got := treeFiles(t, dst); !slices.Equal(got, want) {
		t.Errorf("wrote %q, want %q", got, want)
	}
	if data, _ := os.ReadFile(filepath.Join(dst, "popup", "popup.js")); string(data) != "popup/popup.js" {
		t.Errorf("content = %q", data)
	}
	if data, _ := os.ReadFile(filepath.Join(dst, "manifest.json")); string(data) != string(src["manifest.json"].Data) {
		t.Errorf("without a version the manifest changed: %s", data)
	}

	// A second write replaces the first whole: files gone from the source
	// go; the version given becomes the manifest's.
	delete(src, "popup.html")
	src["options.html"] = &fstest.MapFile{Data: []byte("options")}
	if err := WriteExtension(src, dst, "v0.3.1-rc.2+abc"); err != nil {
		t.Fatal(err)
	}
	want = []string{"_locales/en/messages.json", "icons/16.png", "manifest.json", "options.html", "popup/popup.js", "sw.js"}
	if got := treeFiles(t, dst); !slices.Equal(got, want) {
		t.Errorf("after the second write %q, want %q", got, want)
	}
	var m map[string]any
	data, _ := os.ReadFile(filepath.Join(dst, "manifest.json"))
	if err := json.Unmarshal(data, &m); err != nil || m["version"] != "0.3.1" || m["manifest_version"] != 3.0 {
		t.Errorf("manifest %s: %v", data, err)
	}
	assertOnlyFiles(t, filepath.Dir(dst), "extension")
}

func TestWriteExtensionRefuses(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "extension")
	if err := WriteExtension(fstest.MapFS{"sw.js": {}}, dst, ""); err == nil {
		t.Error("files without manifest.json were written")
	}
	manifest := fstest.MapFS{"manifest.json": {Data: []byte(`{"version": "1"}`)}}
	if err := WriteExtension(manifest, dst, "next"); err == nil {
		t.Error("a version with no numbers was written into the manifest")
	}
	if _, err := os.Stat(dst); err == nil {
		t.Error("the destination was created")
	}
}

// The extension this package carries is the extension folder of the
// checkout, every file a browser loads: a file added to extension/ and
// not embedded fails here.
func TestCarriedExtensionIsTheFolder(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "extension")
	want, err := extensionFiles(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	got, err := extensionFiles(ExtensionFiles())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) || !slices.Contains(got, "manifest.json") || !slices.Contains(got, "lib/hostlink.js") {
		t.Errorf("carried %q\nthe folder holds %q", got, want)
	}
	for _, name := range got {
		a, _ := fs.ReadFile(ExtensionFiles(), name)
		b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if string(a) != string(b) {
			t.Errorf("%s differs from the folder's", name)
		}
	}
}

func TestManifestVersion(t *testing.T) {
	for v, want := range map[string]string{
		"0.2.0": "0.2.0", "v1.2.3": "1.2.3", "0.1.0-dev": "0.1.0", "1.2.3+abc": "1.2.3", "2": "2", "1.2.3.4": "1.2.3.4",
		"65535.0": "65535.0",
		"dev":     "", "": "", "1.2.3.4.5": "", "01.2": "", "1..2": "", "65536": "", "1.x": "", "v": "",
	} {
		got, err := ManifestVersion(v)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("ManifestVersion(%q) = %q, %v; want %q", v, got, err, want)
		}
	}
}

func treeFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}
