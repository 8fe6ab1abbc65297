package release

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/atomicfile"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// Target is one platform a release has an archive for.
type Target struct {
	GOOS, GOARCH string
}

func (t Target) String() string { return t.GOOS + "/" + t.GOARCH }

// Targets are the platforms of a release: Linux, macOS and Windows, each
// on amd64 and arm64.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// defaultDate is the modification time of archive entries when the
// release names none (no git history to take the commit's from).
var defaultDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Options say what to release.
type Options struct {
	// ModuleRoot is the checkout to build.
	ModuleRoot string
	// Version is the release's version, e.g. 0.2.0 (a leading v is
	// dropped); it must have a manifest form (nativehost.ManifestVersion).
	Version string
	// Commit is stamped into the binaries beside the version.
	Commit string
	// Date is the modification time of every file in the archives; zero
	// means 2026-01-01. The commit's time makes a good one.
	Date time.Time
	// Targets are the platforms to build; nil means Targets.
	Targets []Target
	// Out is the folder the archives, the store zip and SHA256SUMS go to.
	Out string
	// Log receives a line per file written; nil discards them.
	Log io.Writer
}

// Artifact is one file a release wrote.
type Artifact struct {
	// Name is the file's name in Options.Out.
	Name string
	// Path is where it is.
	Path string
	// Size is its size in bytes.
	Size int64
	// SHA256 is its checksum, in hex.
	SHA256 string
	// Target is the platform of an archive; zero for the store zip and
	// SHA256SUMS.
	Target Target
}

// Run builds the release: for each target an archive (tar.gz, zip for
// Windows) named tabtap_OS_ARCH holding a folder of that name with the
// binary (which carries the extension) and the README; the extension's
// store zip (tabtap-extension.zip); and SHA256SUMS of them all. The names
// hold no version, so that a link to the latest release's file never
// changes; the version is in the binary (`tabtap version`) and in the
// extension's manifest. Building the same commit twice gives the same
// files.
func Run(ctx context.Context, opts Options) ([]Artifact, error) {
	version := strings.TrimPrefix(opts.Version, "v")
	if _, err := nativehost.ManifestVersion(version); err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	targets := opts.Targets
	if targets == nil {
		targets = Targets
	}
	date := opts.Date
	if date.IsZero() {
		date = defaultDate
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	readme, err := os.ReadFile(filepath.Join(opts.ModuleRoot, "README.md"))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}

	var arts []Artifact
	for _, t := range targets {
		a, err := archive(ctx, opts, version, date, t, readme)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "%s  %s\n", a.Name, humanSize(a.Size))
		arts = append(arts, a)
	}
	zipName := "tabtap-extension.zip"
	if _, err := nativehost.PackExtension(os.DirFS(filepath.Join(opts.ModuleRoot, "extension")), filepath.Join(opts.Out, zipName), version); err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	z, err := artifact(opts.Out, zipName)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "%s  %s\n", z.Name, humanSize(z.Size))
	arts = append(arts, z)

	sums, err := writeSums(opts.Out, arts)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "%s\n", sums.Name)
	return append(arts, sums), nil
}

// archive builds the binary for t and packs it with the README.
func archive(ctx context.Context, opts Options, version string, date time.Time, t Target, readme []byte) (Artifact, error) {
	tmp, err := os.MkdirTemp("", "tabtap-release-")
	if err != nil {
		return Artifact{}, fmt.Errorf("release: %w", err)
	}
	defer os.RemoveAll(tmp)
	exe := "tabtap"
	if t.GOOS == "windows" {
		exe += ".exe"
	}
	b := Build{ModuleRoot: opts.ModuleRoot, GOOS: t.GOOS, GOARCH: t.GOARCH, Version: version, Commit: opts.Commit, Strip: true, Out: filepath.Join(tmp, exe)}
	if err := b.Run(ctx); err != nil {
		return Artifact{}, fmt.Errorf("release %s: %w", t, err)
	}
	bin, err := os.ReadFile(b.Out)
	if err != nil {
		return Artifact{}, fmt.Errorf("release %s: %w", t, err)
	}
	top := "tabtap_" + t.GOOS + "_" + t.GOARCH
	entries := []entry{{exe, 0o755, bin}, {"README.md", 0o644, readme}}
	var data []byte
	name := top + ".tar.gz"
	if t.GOOS == "windows" {
		name = top + ".zip"
		data, err = zipOf(top, entries, date)
	} else {
		data, err = tarGz(top, entries, date)
	}
	if err != nil {
		return Artifact{}, fmt.Errorf("release %s: %w", t, err)
	}
	if err := atomicfile.Write(filepath.Join(opts.Out, name), data, 0o644); err != nil {
		return Artifact{}, fmt.Errorf("release %s: %w", t, err)
	}
	a, err := artifact(opts.Out, name)
	a.Target = t
	return a, err
}

// artifact describes the file name in dir.
func artifact(dir, name string) (Artifact, error) {
	path := filepath.Join(dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		return Artifact{}, fmt.Errorf("release: %w", err)
	}
	sum := sha256.Sum256(data)
	return Artifact{Name: name, Path: path, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}, nil
}

// writeSums writes SHA256SUMS, in the format sha256sum -c reads, sorted by
// name.
func writeSums(dir string, arts []Artifact) (Artifact, error) {
	sorted := slices.Clone(arts)
	slices.SortFunc(sorted, func(a, b Artifact) int { return strings.Compare(a.Name, b.Name) })
	var b strings.Builder
	for _, a := range sorted {
		fmt.Fprintf(&b, "%s  %s\n", a.SHA256, a.Name)
	}
	if err := atomicfile.Write(filepath.Join(dir, "SHA256SUMS"), []byte(b.String()), 0o644); err != nil {
		return Artifact{}, fmt.Errorf("release: %w", err)
	}
	return artifact(dir, "SHA256SUMS")
}

// humanSize is "14.2 MB".
func humanSize(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// ParseTarget reads "os/arch" as one of Targets.
func ParseTarget(s string) (Target, error) {
	for _, t := range Targets {
		if t.String() == s {
			return t, nil
		}
	}
	names := make([]string, len(Targets))
	for i, t := range Targets {
		names[i] = t.String()
	}
	return Target{}, fmt.Errorf("unknown target %q: use one of %s", s, strings.Join(names, ", "))
}
