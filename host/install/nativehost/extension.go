package nativehost

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ExtensionSourceDir is the extension folder of the checkout at moduleRoot.
func ExtensionSourceDir(moduleRoot string) string {
	return filepath.Join(moduleRoot, "extension")
}

// CopyExtension copies the extension folder src to dst, leaving out what the
// browser does not need or refuses to load: tests (test/, tests/, testdata/,
// *.test.js, *.spec.js, *_test.js and the .mjs forms), node_modules/,
// package.json, package-lock.json, dot files, and names starting with "_"
// other than _locales (Chromium reserves those). It builds the copy beside
// dst and swaps it in, so dst is always a whole extension.
func CopyExtension(src, dst string) error {
	if _, err := os.Stat(filepath.Join(src, "manifest.json")); err != nil {
		return fmt.Errorf("copy the extension: %s holds no manifest.json: %w", src, err)
	}
	dst, err := filepath.Abs(dst)
	if err != nil {
		return fmt.Errorf("copy the extension: %w", err)
	}
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("copy the extension: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dst)+"-new-")
	if err != nil {
		return fmt.Errorf("copy the extension: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("copy the extension: %w", err)
	}
	if err := copyTree(src, tmp); err != nil {
		return fmt.Errorf("copy the extension from %s: %w", src, err)
	}
	if err := swapDir(tmp, dst); err != nil {
		return fmt.Errorf("copy the extension to %s: %w", dst, err)
	}
	return nil
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

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if leftOut(d.Name(), d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.Mkdir(target, 0o755)
		}
		return copyFile(path, target)
	})
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
	for _, suffix := range []string{".test.js", ".test.mjs", ".spec.js", ".spec.mjs", "_test.js", "_test.mjs"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil // sockets, devices: nothing an extension uses
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
