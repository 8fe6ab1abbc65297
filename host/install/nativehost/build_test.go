package nativehost

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/internal/testenv"
)

func TestFindModuleRoot(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "// the project\nmodule github.com/tabtap/tabtap // here\n\ngo 1.26\n", 0o644)
	// A nested module of another path is walked past.
	writeFile(t, filepath.Join(root, "tools", "go.mod"), "module example.com/tools\n", 0o644)
	e2e := filepath.Join(root, "tools", "host", "e2e")
	mkdir(t, e2e)
	for _, dir := range []string{root, e2e} {
		got, err := FindModuleRoot(dir)
		if err != nil || got != root {
			t.Errorf("FindModuleRoot(%s) = %s, %v; want %s", dir, got, err, root)
		}
	}
	other := t.TempDir()
	writeFile(t, filepath.Join(other, "go.mod"), "module \"example.com/x\"\n", 0o644)
	if _, err := FindModuleRoot(other); err == nil || !strings.Contains(err.Error(), "inside the tabtap checkout") {
		t.Errorf("outside the checkout: err = %v", err)
	}
}

// The real checkout is found from this package's directory, as the e2e
// tests find it from host/e2e.
func TestFindModuleRootOfThisCheckout(t *testing.T) {
	root, err := FindModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "host", "install", "nativehost", "doc.go")); err != nil {
		t.Errorf("root %s: %v", root, err)
	}
}

// BuildHost compiles the MainPackage of a module and swaps the result in, leaving
// nothing else in the bin dir.
func TestBuildHost(t *testing.T) {
	testenv.GoTool(t)
	root := fakeModule(t, "one")
	binDir := t.TempDir()
	bin := filepath.Join(binDir, BinaryName(Env{}))
	ctx := context.Background()
	if err := BuildHost(ctx, root, bin); err != nil {
		t.Fatal(err)
	}
	if out := runBinary(t, bin); out != "one" {
		t.Errorf("built binary says %q", out)
	}
	old, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldInfo, _ := old.Stat()

	writeFile(t, filepath.Join(root, filepath.FromSlash(MainPackage), "main.go"), hostSource("two"), 0o644)
	if err := BuildHost(ctx, root, bin); err != nil {
		t.Fatal(err)
	}
	if out := runBinary(t, bin); out != "two" {
		t.Errorf("rebuilt binary says %q", out)
	}
	if newInfo, _ := os.Stat(bin); os.SameFile(oldInfo, newInfo) {
		t.Error("the binary was rewritten in place: a running daemon would be corrupted")
	}
	assertOnlyFiles(t, binDir, filepath.Base(bin))

	writeFile(t, filepath.Join(root, filepath.FromSlash(MainPackage), "main.go"), "package main\nfunc main() { undefined() }\n", 0o644)
	err = BuildHost(ctx, root, bin)
	if err == nil || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("a failed build: err = %v", err)
	}
	if out := runBinary(t, bin); out != "two" {
		t.Errorf("a failed build touched the binary: %q", out)
	}
	assertOnlyFiles(t, binDir, filepath.Base(bin))
}

// fakeModule creates a module github.com/tabtap/tabtap whose host prints
// word, with an extension folder.
func fakeModule(t *testing.T, word string) string {
	t.Helper()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module github.com/tabtap/tabtap\n\ngo 1.22\n", 0o644)
	writeFile(t, filepath.Join(root, filepath.FromSlash(MainPackage), "main.go"), hostSource(word), 0o644)
	writeFile(t, filepath.Join(root, "extension", "manifest.json"), `{"manifest_version": 3, "name": "tabtap"}`, 0o644)
	writeFile(t, filepath.Join(root, "extension", "sw.js"), "// service worker\n", 0o644)
	return root
}

func hostSource(word string) string {
	return "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Print(\"" + word + "\") }\n"
}

func runBinary(t *testing.T, bin string) string {
	t.Helper()
	if runtime.GOOS == "windows" && !strings.HasSuffix(bin, ".exe") {
		t.Fatalf("%s cannot run on Windows", bin)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("run %s: %v", bin, err)
	}
	return string(out)
}
