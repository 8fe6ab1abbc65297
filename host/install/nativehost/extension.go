package nativehost

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tabtapextension "github.com/tabtap/tabtap/extension"
)

// ExtensionFiles is the extension this program carries (package
// extension embeds it), tests and all; WriteExtension and PackExtension
// leave out what a browser should not load.
func ExtensionFiles() fs.FS { return tabtapextension.Files() }

// WriteExtension writes the extension files of src (a folder, or
// ExtensionFiles) to the folder dst, leaving out what the browser does not
// need or refuses to load: tests (test/, tests/, testdata/, *.test.js,
// *.spec.js, *_test.js and the .mjs forms), node_modules/, package.json,
// package-lock.json, Go files, dot files, and names starting with "_"
// other than _locales (Chromium reserves those). With a version, the
// manifest's version becomes it (see ManifestVersion), so that the
// extension and the host binary installed with it say the same. It builds
// the folder beside dst and swaps it in, so dst is always a whole
// extension.
func WriteExtension(src fs.FS, dst, version string) error {
	manifest, err := fs.ReadFile(src, "manifest.json")
	if err != nil {
		return fmt.Errorf("write the extension: it has no manifest.json: %w", err)
	}
	if version != "" {
		if manifest, err = setManifestVersion(manifest, version); err != nil {
			return fmt.Errorf("write the extension: %w", err)
		}
	}
	dst, err = filepath.Abs(dst)
	if err != nil {
		return fmt.Errorf("write the extension: %w", err)
	}
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("write the extension: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dst)+"-new-")
	if err != nil {
		return fmt.Errorf("write the extension: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("write the extension: %w", err)
	}
	files, err := extensionFiles(src)
	if err != nil {
		return fmt.Errorf("write the extension: %w", err)
	}
	for _, name := range files {
		data := manifest
		if name != "manifest.json" {
			if data, err = fs.ReadFile(src, name); err != nil {
				return fmt.Errorf("write the extension: %w", err)
			}
		}
		target := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("write the extension: %w", err)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return fmt.Errorf("write the extension: %w", err)
		}
	}
	if err := swapDir(tmp, dst); err != nil {
		return fmt.Errorf("write the extension to %s: %w", dst, err)
	}
	return nil
}

// extensionFiles lists the files of src a browser loads, slash-separated,
// in lexical order.
func extensionFiles(src fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		if leftOut(d.Name(), d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// swapDir replaces dst by the folder at src.
func swapDir(src, dst string) error {
	if _, err := os.Lstat(dst); err != nil {
		return os.Rename(src, dst)
	}
	old, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+"-old-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(old)
	aside := filepath.Join(old, "extension")
	if err := os.Rename(dst, aside); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		os.Rename(aside, dst) // put the previous copy back
		return err
	}
	return nil
}

// leftOut tells whether a file or folder of the extension stays out of the
// copy.
func leftOut(name string, dir bool) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	if strings.HasPrefix(name, "_") && name != "_locales" {
		return true
	}
	if dir {
		switch name {
		case "test", "tests", "testdata", "node_modules":
			return true
		}
		return false
	}
	switch name {
	case "package.json", "package-lock.json":
		return true
	}
	for _, suffix := range []string{".go", ".test.js", ".test.mjs", ".spec.js", ".spec.mjs", "_test.js", "_test.mjs"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// ManifestVersion is the extension manifest version for the tabtap version
// v: its numbers, without a leading "v" or what follows "-" or "+"
// ("v0.2.0-rc.1" gives "0.2.0"). Chromium takes one to four numbers from 0
// to 65535, separated by dots.
func ManifestVersion(v string) (string, error) {
	core := strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(core, "-+"); i >= 0 {
		core = core[:i]
	}
	parts := strings.Split(core, ".")
	ok := len(parts) <= 4
	for _, p := range parts {
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			n = n*10 + int(c-'0')
			if n > 65535 {
				ok = false
				break
			}
		}
		if p == "" || (len(p) > 1 && p[0] == '0') {
			ok = false
		}
	}
	if !ok {
		return "", fmt.Errorf("version %q has no manifest form: it must start with one to four numbers (0 to 65535) separated by dots, like 0.2.0", v)
	}
	return core, nil
}

// ExtensionVersion is the version in the manifest of the extension files
// src.
func ExtensionVersion(src fs.FS) (string, error) {
	data, err := fs.ReadFile(src, "manifest.json")
	if err != nil {
		return "", fmt.Errorf("read the extension's manifest: %w", err)
	}
	var m struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Version == "" {
		return "", fmt.Errorf("the extension's manifest.json has no version (%v)", err)
	}
	return m.Version, nil
}
