package nativehost

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A newer binary replaces the installed one while it runs: the process
// that opened the old one (a daemon) keeps reading the old bytes, the path
// gives the new ones, and nothing else is left in the bin dir.
func TestPlaceBinaryReplacesARunningOne(t *testing.T) {
	binDir := t.TempDir()
	dst := filepath.Join(binDir, "tabtap")
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	writeFile(t, a, "version A", 0o755)
	writeFile(t, b, "version B", 0o755)
	if err := PlaceBinary(a, dst); err != nil {
		t.Fatal(err)
	}
	running, err := os.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	if err := PlaceBinary(b, dst); err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(running); string(got) != "version A" {
		t.Errorf("the running binary now reads %q", got)
	}
	if got, _ := os.ReadFile(dst); string(got) != "version B" {
		t.Errorf("the installed binary reads %q", got)
	}
	assertOnlyFiles(t, binDir, "tabtap")

	// The installed binary installing itself again leaves it as it is.
	fi, _ := os.Stat(dst)
	if err := PlaceBinary(dst, dst); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.Stat(dst); !os.SameFile(fi, again) {
		t.Error("installing the installed binary over itself replaced it")
	}
	if err := PlaceBinary(filepath.Join(t.TempDir(), "none"), dst); err == nil {
		t.Error("a missing binary was placed")
	}
	assertOnlyFiles(t, binDir, "tabtap")
}

// On Windows a running executable cannot be replaced, only renamed: it
// is moved aside, the new one takes its name, and a later call removes
// the asides nothing runs any more.
func TestReplaceFileOnWindows(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "tabtap.exe")
	writeFile(t, dst, "old", 0o755)
	running := map[string]bool{dst: true}
	rename := func(from, to string) error {
		if running[to] {
			return errors.New("Access is denied.")
		}
		if err := os.Rename(from, to); err != nil {
			return err
		}
		if running[from] {
			delete(running, from)
			running[to] = true
		}
		return nil
	}
	src := filepath.Join(dir, "new")
	writeFile(t, src, "new", 0o755)
	if err := replaceFile(src, dst, true, rename); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dst); string(got) != "new" {
		t.Errorf("%s holds %q", dst, got)
	}
	moved := asides(dst)
	if len(moved) != 1 || !strings.HasPrefix(filepath.Base(moved[0]), "tabtap.exe.old-") {
		t.Fatalf("asides %q", moved)
	}
	if got, _ := os.ReadFile(moved[0]); string(got) != "old" {
		t.Errorf("the aside holds %q", got)
	}
	RemoveAsides(dst)
	assertOnlyFiles(t, dir, "tabtap.exe")

	// Elsewhere a failed rename is the error.
	if err := replaceFile(filepath.Join(dir, "none"), dst, false, os.Rename); err == nil {
		t.Error("no error")
	}
}
