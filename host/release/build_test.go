package release

import (
	"bytes"
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
	writeFile(t, filepath.Join(root, "go.mod"), "// the project\nmodule github.com/tabtap/tabtap // here\n\ngo 1.26\n")
	// A nested module of another path is walked past.
	writeFile(t, filepath.Join(root, "tools", "go.mod"), "module example.com/tools\n")
	e2e := filepath.Join(root, "tools", "host", "e2e")
	if err := os.MkdirAll(e2e, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{root, e2e} {
		got, err := FindModuleRoot(dir)
		if err != nil || got != root {
			t.Errorf("FindModuleRoot(%s) = %s, %v; want %s", dir, got, err, root)
		}
	}
	other := t.TempDir()
	writeFile(t, filepath.Join(other, "go.mod"), "module \"example.com/x\"\n")
	if _, err := FindModuleRoot(other); err == nil || !strings.Contains(err.Error(), "inside the tabtap checkout") {
		t.Errorf("outside the checkout: err = %v", err)
	}
	// This checkout is found from this package's folder.
	if root, err := FindModuleRoot("."); err != nil || !fileExists(filepath.Join(root, "host", "release", "build.go")) {
		t.Errorf("this checkout: %s, %v", root, err)
	}
}

// A build is stamped with the version and commit asked for, and the same
// source gives the same bytes from another folder; a failed build leaves
// the previous binary as it was.
func TestBuild(t *testing.T) {
	testenv.GoTool(t)
	ctx := context.Background()
	a, b := fakeModule(t), fakeModule(t)
	bin := filepath.Join(t.TempDir(), "tabtap")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if err := (Build{ModuleRoot: a, Version: "1.2.3", Commit: "abc", Out: bin}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin).Output()
	if err != nil || string(out) != "1.2.3 abc" {
		t.Errorf("the binary says %q (%v)", out, err)
	}
	first, _ := os.ReadFile(bin)
	again := filepath.Join(t.TempDir(), filepath.Base(bin))
	if err := (Build{ModuleRoot: b, Version: "1.2.3", Commit: "abc", Out: again}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(again); !bytes.Equal(first, second) {
		t.Error("the same source built in another folder gives other bytes")
	}
	if bytes.Contains(first, []byte(a)) {
		t.Error("the binary holds the checkout's path")
	}

	writeFile(t, filepath.Join(a, "host", "cmd", "tabtap", "main.go"), "package main\nfunc main() { undefined() }\n")
	if err := (Build{ModuleRoot: a, Out: bin}).Run(ctx); err == nil || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("a failed build: err = %v", err)
	}
	if now, _ := os.ReadFile(bin); !bytes.Equal(now, first) {
		t.Error("a failed build touched the binary")
	}
	if entries, _ := os.ReadDir(filepath.Dir(bin)); len(entries) != 1 {
		t.Errorf("the build left %v", entries)
	}
}

// fakeModule is a module github.com/tabtap/tabtap whose binary prints
// main.version and main.commit.
func fakeModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module github.com/tabtap/tabtap\n\ngo 1.22\n")
	writeFile(t, filepath.Join(root, "host", "cmd", "tabtap", "main.go"),
		"package main\n\nimport \"fmt\"\n\nvar version, commit string\n\nfunc main() { fmt.Print(version, \" \", commit) }\n")
	return root
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
