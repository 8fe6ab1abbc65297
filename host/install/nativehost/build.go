package nativehost

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// ModulePath is the Go module the host is built from.
const ModulePath = "github.com/tabtap/tabtap"

// MainPackage is the host binary's main package, relative to the module
// root: `go install` names the binary after its folder, tabtap.
const MainPackage = "./host/cmd/tabtap"

// FindModuleRoot walks up from dir to the directory whose go.mod declares
// ModulePath. It works from anywhere inside the checkout, host/e2e included.
func FindModuleRoot(dir string) (string, error) {
	start, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find the tabtap module: %w", err)
	}
	for d := start; ; {
		if path, err := modulePath(filepath.Join(d, "go.mod")); err == nil && path == ModulePath {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod of module %s in %s or above it: run the installer from inside the tabtap checkout", ModulePath, start)
		}
		d = parent
	}
}

// modulePath reads the module line of a go.mod file.
func modulePath(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		rest, _, _ = strings.Cut(rest, "//")
		rest = strings.TrimSpace(rest)
		if unq, err := strconv.Unquote(rest); err == nil {
			rest = unq
		}
		return rest, nil
	}
	return "", fmt.Errorf("%s has no module line", gomod)
}

// BuildHost compiles the host (MainPackage of the module at moduleRoot) to
// binaryPath with `go build -trimpath`, adding flags (e.g. "-race" or
// "-cover"). It builds into a temporary file in binaryPath's directory and
// renames it into place, so a daemon running the previous binary keeps
// running and a browser never starts half a file.
func BuildHost(ctx context.Context, moduleRoot, binaryPath string, flags ...string) error {
	goCmd, err := goCommand()
	if err != nil {
		return err
	}
	dir := filepath.Dir(binaryPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create the bin dir: %w", err)
	}
	tmpDir, err := os.MkdirTemp(dir, ".tabtap-build-")
	if err != nil {
		return fmt.Errorf("create a build folder in the bin dir: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, filepath.Base(binaryPath))

	args := append([]string{"build", "-trimpath", "-o", tmp}, flags...)
	args = append(args, MainPackage)
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = moduleRoot
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s (in %s): %w\n%s", strings.Join(args, " "), moduleRoot, err, bytes.TrimSpace(out.Bytes()))
	}
	if err := replaceFile(tmp, binaryPath); err != nil {
		return fmt.Errorf("put the host binary in place: %w", err)
	}
	return nil
}

// goCommand finds the go tool: on PATH, else in $GOROOT/bin.
func goCommand() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("the go command is not on PATH: install Go 1.26 or later (https://go.dev/dl/) and run again")
}

// replaceFile renames src over dst. A file that is running can be replaced
// this way on Unix (the process keeps the old inode); Windows refuses to
// replace a running executable but lets it be renamed, so it is moved aside
// first.
func replaceFile(src, dst string) error {
	err := os.Rename(src, dst)
	if err == nil || runtime.GOOS != "windows" {
		return err
	}
	old := dst + ".old"
	os.Remove(old) // still running: the next rename tells
	if rerr := os.Rename(dst, old); rerr != nil {
		return err
	}
	return os.Rename(src, dst)
}
