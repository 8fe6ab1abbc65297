package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/release"
	"github.com/tabtap/tabtap/internal/testenv"
)

// The one command builds the whole release, cross-compiled: each archive
// holds the README and a binary for its platform (read from its ELF,
// Mach-O or PE header and from the build information the go command
// wrote), stamped with the version and commit, carrying the extension; the
// store zip and SHA256SUMS are there and agree with the files. Run again
// from a copy of the checkout in another folder, it gives the same files,
// byte for byte.
func TestRelease(t *testing.T) {
	goCmd := testenv.GoTool(t)
	root, err := release.FindModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	const commit = "0123456789abcdef0123456789abcdef01234567"
	out := t.TempDir()
	start := time.Now()
	log := runRelease(t, goCmd, root, out, commit)
	t.Logf("built in %s:\n%s", time.Since(start).Round(time.Second), log)
	sums := readSums(t, filepath.Join(out, "SHA256SUMS"))
	if len(sums) != len(release.Targets)+1 {
		t.Errorf("SHA256SUMS lists %d files: %v", len(sums), sums)
	}
	for _, target := range release.Targets {
		name := "tabtap_" + target.GOOS + "_" + target.GOARCH + ".tar.gz"
		if target.GOOS == "windows" {
			name = strings.TrimSuffix(name, ".tar.gz") + ".zip"
		}
		path := filepath.Join(out, name)
		if got := fileSum(t, path); got != sums[name] {
			t.Errorf("SHA256SUMS says %s for %s, the file is %s", sums[name], name, got)
		}
		t.Run(target.GOOS+"_"+target.GOARCH, func(t *testing.T) {
			checkArchive(t, path, target, root, commit)
		})
	}
	zipPath := filepath.Join(out, "tabtap-extension.zip")
	if got := fileSum(t, zipPath); got != sums["tabtap-extension.zip"] {
		t.Errorf("SHA256SUMS says %s for the store zip, the file is %s", sums["tabtap-extension.zip"], got)
	}
	checkStoreZip(t, zipPath)

	copied := copyModule(t, root)
	again := t.TempDir()
	start = time.Now()
	runRelease(t, goCmd, copied, again, commit)
	t.Logf("built again from %s in %s", copied, time.Since(start).Round(time.Second))
	a, _ := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	b, _ := os.ReadFile(filepath.Join(again, "SHA256SUMS"))
	if !bytes.Equal(a, b) {
		t.Errorf("two builds of the same commit differ:\n%s\n%s", a, b)
	}
}

// runRelease runs the release command of the checkout at root, as a
// person does, and returns what it printed.
func runRelease(t *testing.T, goCmd, root, out, commit string) string {
	t.Helper()
	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-30*time.Second)) // fail with the output, before the test binary is killed
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, goCmd, "run", "./installer/release", "--version", "v0.9.1", "--commit", commit, "--date", "2026-11-30T12:00:00Z", "--out", out)
	cmd.Dir = root
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./installer/release (in %s): %v\n%s", root, err, b)
	}
	return string(b)
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// checkArchive opens the archive at path and checks what it holds.
func checkArchive(t *testing.T, path string, target release.Target, root, commit string) {
	files := unpack(t, path)
	top := "tabtap_" + target.GOOS + "_" + target.GOARCH + "/"
	exe := top + "tabtap"
	if target.GOOS == "windows" {
		exe += ".exe"
	}
	if len(files) != 2 || files[top+"README.md"] == nil || files[exe] == nil {
		names := []string{}
		for n := range files {
			names = append(names, n)
		}
		t.Fatalf("%s holds %q, want %s and %sREADME.md", path, names, exe, top)
	}
	readme, _ := os.ReadFile(filepath.Join(root, "README.md"))
	if !bytes.Equal(files[top+"README.md"], readme) {
		t.Error("the README is not the checkout's")
	}
	bin := files[exe]
	if got := platform(t, bin); got != target {
		t.Errorf("the binary is for %s", got)
	}
	info, err := buildinfo.Read(bytes.NewReader(bin))
	if err != nil {
		t.Fatalf("build info: %v", err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["GOOS"] != target.GOOS || settings["GOARCH"] != target.GOARCH || settings["-trimpath"] != "true" || settings["CGO_ENABLED"] != "0" ||
		info.Path != release.ModulePath+"/host/cmd/tabtap" {
		t.Errorf("build info %s: %v", info.Path, settings)
	}
	// With -trimpath the go command does not record -ldflags: the stamp is
	// looked for in the bytes (and run, below, where the binary can run).
	if !bytes.Contains(bin, []byte(commit)) {
		t.Error("the binary is not stamped with the commit")
	}
	// The extension is inside: every file a browser loads, as in the
	// checkout.
	for _, name := range []string{"manifest.json", "sw.js", "popup.html", "lib/hostlink.js", "icons/128.png"} {
		data, err := os.ReadFile(filepath.Join(root, "extension", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(bin, data) {
			t.Errorf("the binary does not carry the extension's %s", name)
		}
	}
	if bytes.Contains(bin, []byte(root)) {
		t.Error("the binary holds the checkout's path")
	}
	if target.GOOS == runtime.GOOS && target.GOARCH == runtime.GOARCH {
		path := filepath.Join(t.TempDir(), filepath.Base(exe))
		if err := os.WriteFile(path, bin, 0o755); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(path, "version").Output()
		if err != nil || !strings.HasPrefix(string(out), "tabtap 0.9.1 (commit "+commit+", ") {
			t.Errorf("tabtap version: %q, %v", out, err)
		}
	}
}

// platform reads the system and processor a binary is for from its
// executable format.
func platform(t *testing.T, bin []byte) release.Target {
	r := bytes.NewReader(bin)
	if f, err := elf.NewFile(r); err == nil {
		arch := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[f.Machine]
		if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
			return release.Target{GOOS: f.OSABI.String(), GOARCH: arch}
		}
		return release.Target{GOOS: "linux", GOARCH: arch}
	}
	if f, err := macho.NewFile(r); err == nil {
		return release.Target{GOOS: "darwin", GOARCH: map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]}
	}
	if f, err := pe.NewFile(r); err == nil {
		return release.Target{GOOS: "windows", GOARCH: map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]}
	}
	t.Fatal("not an ELF, Mach-O or PE executable")
	return release.Target{}
}

// unpack reads the files of a tar.gz or zip archive, checking that every
// entry has the release's time and a sane mode.
func unpack(t *testing.T, path string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Mode().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		return files
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			files[h.Name], _ = io.ReadAll(tr)
			if strings.HasSuffix(h.Name, "/tabtap") && h.Mode != 0o755 {
				t.Errorf("%s has mode %o", h.Name, h.Mode)
			}
		}
	}
}

// readSums reads SHA256SUMS, checking its format.
func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if b, err := hex.DecodeString(sum); !ok || err != nil || len(b) != sha256.Size {
			t.Fatalf("SHA256SUMS line %q", sc.Text())
		}
		sums[name] = sum
	}
	return sums
}

// copyModule copies the checkout's files (not its .git, node_modules or
// dist) to a new folder.
func copyModule(t *testing.T, root string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "elsewhere", "tabtap")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch d.Name() {
		case ".git", "node_modules", "dist":
			if d.IsDir() || d.Name() == ".git" {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(fmt.Errorf("copy the checkout: %w", err))
	}
	return dst
}

// checkStoreZip checks that the store zip's manifest says the release's
// version and has no key.
func checkStoreZip(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m map[string]any
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if _, key := m["key"]; m["version"] != "0.9.1" || key {
		t.Errorf("the store zip's manifest: version %v, key %v", m["version"], key)
	}
}
