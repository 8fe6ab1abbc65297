package nativehost

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestCopyExtension(t *testing.T) {
	src := t.TempDir()
	for _, name := range []string{
		"manifest.json", "sw.js", "popup.html", "popup/popup.js", "icons/16.png", "_locales/en/messages.json",
		// left out:
		"sw.test.js", "lib/har.spec.mjs", "relay_test.js", "test/fixture.json", "tests/a.js",
		"testdata/events.json", "node_modules/x/index.js", "package.json", "package-lock.json",
		".eslintrc.json", ".git/HEAD", "_private.js", "__tests__/x.js",
	} {
		writeFile(t, filepath.Join(src, filepath.FromSlash(name)), name, 0o644)
	}
	dst := filepath.Join(t.TempDir(), "tabtap", "extension")
	if err := CopyExtension(src, dst); err != nil {
		t.Fatal(err)
	}
	want := []string{"_locales/en/messages.json", "icons/16.png", "manifest.json", "popup.html", "popup/popup.js", "sw.js"}
	if got := treeFiles(t, dst); !slices.Equal(got, want) {
		t.Errorf("copied %q, want %q", got, want)
	}
	if data, _ := os.ReadFile(filepath.Join(dst, "popup", "popup.js")); string(data) != "popup/popup.js" {
		t.Errorf("content = %q", data)
	}

	// A second copy replaces the first whole: files gone from the source go.
	os.Remove(filepath.Join(src, "popup.html"))
	writeFile(t, filepath.Join(src, "options.html"), "options", 0o644)
	if err := CopyExtension(src, dst); err != nil {
		t.Fatal(err)
	}
	want = []string{"_locales/en/messages.json", "icons/16.png", "manifest.json", "options.html", "popup/popup.js", "sw.js"}
	if got := treeFiles(t, dst); !slices.Equal(got, want) {
		t.Errorf("after the second copy %q, want %q", got, want)
	}
	assertOnlyFiles(t, filepath.Dir(dst), "extension")
}

func TestCopyExtensionNeedsManifest(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "extension")
	if err := CopyExtension(t.TempDir(), dst); err == nil {
		t.Error("a folder without manifest.json was copied")
	}
	if _, err := os.Stat(dst); err == nil {
		t.Error("the destination was created")
	}
}

// The real extension folder of this checkout copies, manifest first.
func TestCopyThisCheckoutsExtension(t *testing.T) {
	root, err := FindModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "extension")
	if err := CopyExtension(ExtensionSourceDir(root), dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "manifest.json")); err != nil {
		t.Error(err)
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
