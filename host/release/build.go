// Package release builds tabtap from this module's source with the go
// command: the binary the installer installs when it is run from a
// checkout, the binary the end-to-end tests install, and the release
// archives for every platform with their checksums (Run). Builds are
// reproducible: the same source, version and commit give the same bytes
// wherever the checkout is and whenever it is built.
//
// The tabtap binary does not link this package: it needs the go command,
// and an installed tabtap never does.
package release

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
	"slices"
	"strconv"
	"strings"
	"time"
)

// ModulePath is the Go module tabtap is built from.
const ModulePath = "github.com/tabtap/tabtap"

// MainPackage is the tabtap binary's main package, relative to the module
// root: `go install` names the binary after its folder, tabtap.
const MainPackage = "./host/cmd/tabtap"

// Build is one build of the tabtap binary.
type Build struct {
	// ModuleRoot is the checkout to build (FindModuleRoot finds it).
	ModuleRoot string
	// GOOS and GOARCH are the platform to build for; empty means this
	// one.
	GOOS, GOARCH string
	// Version and Commit are stamped into the binary (main.version,
	// main.commit; `tabtap version` prints them). Empty leaves the binary
	// to say its version itself: the extension manifest's, marked -dev.
	Version, Commit string
	// Strip leaves the symbol table and DWARF out (-s -w), as releases
	// do.
	Strip bool
	// Flags are further go build flags, e.g. -race or -cover.
	Flags []string
	// Out is the file to write. A file already there is replaced whole,
	// by a rename: a process running it keeps its copy.
	Out string
}

// Run builds b with `go build -trimpath -buildvcs=false`, an empty build
// ID and cgo off (unless Flags ask for -race), so the bytes depend on the
// source, the Go version and b only.
func (b Build) Run(ctx context.Context) error {
	goCmd, err := GoCommand()
	if err != nil {
		return err
	}
	dir := filepath.Dir(b.Out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("build tabtap: %w", err)
	}
	tmpDir, err := os.MkdirTemp(dir, ".tabtap-build-")
	if err != nil {
		return fmt.Errorf("build tabtap: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, filepath.Base(b.Out))

	ldflags := []string{"-buildid="}
	if b.Strip {
		ldflags = append(ldflags, "-s", "-w")
	}
	if b.Version != "" {
		ldflags = append(ldflags, "-X", "main.version="+b.Version)
	}
	if b.Commit != "" {
		ldflags = append(ldflags, "-X", "main.commit="+b.Commit)
	}
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags", strings.Join(ldflags, " "), "-o", tmp}
	args = append(args, b.Flags...)
	args = append(args, MainPackage)
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = b.ModuleRoot
	cmd.Env = append(os.Environ(), b.env()...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s (in %s, %s): %w\n%s", strings.Join(args, " "), b.ModuleRoot, strings.Join(b.env(), " "), err, bytes.TrimSpace(out.Bytes()))
	}
	if err := os.Rename(tmp, b.Out); err != nil {
		return fmt.Errorf("build tabtap: %w", err)
	}
	return nil
}

// env is the environment that fixes what a build depends on besides its
// flags: the platform, cgo, the instruction set levels, no GOFLAGS from
// the person's settings.
func (b Build) env() []string {
	goos, goarch := b.GOOS, b.GOARCH
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	cgo := "0"
	if slices.Contains(b.Flags, "-race") {
		cgo = "1"
	}
	return []string{"GOOS=" + goos, "GOARCH=" + goarch, "CGO_ENABLED=" + cgo, "GOAMD64=v1", "GOARM64=v8.0", "GOFLAGS="}
}

// GoCommand finds the go tool: on PATH, else in $GOROOT/bin.
func GoCommand() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("the go command is not on PATH: install Go 1.26 or later (https://go.dev/dl/), or download a released tabtap, which needs no Go")
}

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
			return "", fmt.Errorf("no go.mod of module %s in %s or above it: run this from inside the tabtap checkout", ModulePath, start)
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

// Revision is the checkout's commit and its time, from git; "" and the
// zero time when the checkout is no git work tree (or git is missing). A
// commit with changes not committed ends in "-dirty".
func Revision(ctx context.Context, root string) (commit string, date time.Time) {
	git := func(args ...string) (string, bool) {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = root
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err == nil
	}
	line, ok := git("log", "-1", "--format=%H %ct")
	hash, secs, found := strings.Cut(line, " ")
	if !ok || !found {
		return "", time.Time{}
	}
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return "", time.Time{}
	}
	if status, ok := git("status", "--porcelain", "--untracked-files=no"); ok && status != "" {
		hash += "-dirty"
	}
	return hash, time.Unix(n, 0).UTC()
}
