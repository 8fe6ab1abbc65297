package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestExtensionUnits runs the extension's own unit tests (plain Node, no
// packages), so that `go test ./...` is the whole suite.
func TestExtensionUnits(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node not found: the extension's unit tests need Node.js 20 or later")
		}
		t.Skip("node not found: the extension's unit tests need Node.js 20 or later")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "--test", filepath.Join(root, "extension", "test"))
	cmd.Dir = filepath.Join(root, "extension")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test extension/test: %v\n%s", err, out)
	}
	t.Logf("%s", lastLines(string(out), 8))
}

func lastLines(s string, n int) string {
	lines := []rune(s)
	count := 0
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i] == '\n' {
			count++
			if count > n {
				return string(lines[i+1:])
			}
		}
	}
	return s
}
