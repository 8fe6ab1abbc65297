package nativehost

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Uninstall removes the manifest, binary and extension copy it wrote, and
// nothing else: other hosts' manifests and the folders the browsers own stay.
func TestUninstallRemovesExactlyWhatWasWritten(t *testing.T) {
	env, manifest, binary := installedEnv(t)
	other := filepath.Join(filepath.Dir(manifest), "org.example.other.json")
	writeFile(t, other, "{}", 0o644)
	l, _ := resolveLayout(env, Options{})

	r, err := Uninstall(context.Background(), Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{manifest, binary, l.extensionDir, l.binDir, dataDir(env)}
	if !slices.Equal(r.Removed, want) {
		t.Errorf("removed %q, want %q", r.Removed, want)
	}
	for _, gone := range want {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s is still there", gone)
		}
	}
	for _, kept := range []string{other, filepath.Join(env.Home, ".config", "chromium")} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("%s was removed: %v", kept, err)
		}
	}

	// A second run has nothing to do.
	r, err = Uninstall(context.Background(), Options{Env: env})
	if err != nil || len(r.Removed) != 0 {
		t.Errorf("second uninstall: %+v, %v", r, err)
	}
}

// With a chosen bin dir, the bin dir itself stays; only the binary and the
// extension copy beside it go.
func TestUninstallUserDataDirAndBinDir(t *testing.T) {
	env, _ := testEnv(t, "linux")
	profile, binDir := t.TempDir(), t.TempDir()
	opts := Options{Env: env, UserDataDirs: []string{profile}, BinDir: binDir}
	l, _ := resolveLayout(env, opts)
	writeFile(t, l.binaryPath, "bin", 0o755)
	writeFile(t, filepath.Join(l.extensionDir, "manifest.json"), "{}", 0o644)
	writeFile(t, filepath.Join(binDir, "unrelated"), "keep", 0o755)
	path, err := RegisterUserDataDir(profile, l.binaryPath)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Uninstall(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{path, l.binaryPath, l.extensionDir}; !slices.Equal(r.Removed, want) {
		t.Errorf("removed %q, want %q", r.Removed, want)
	}
	assertOnlyFiles(t, binDir, "unrelated")
	if _, err := os.Stat(profile); err != nil {
		t.Errorf("the profile was removed: %v", err)
	}
}

// Uninstalling one browser keeps the binary another browser still uses.
func TestUninstallKeepsWhatAnotherBrowserUses(t *testing.T) {
	env, chromiumManifest, binary := installedEnv(t)
	b, _ := LookupBrowser("edge")
	edge := browserTarget(env, b)
	m, _ := NewManifest(binary)
	if err := register(context.Background(), env, edge, m); err != nil {
		t.Fatal(err)
	}
	r, err := Uninstall(context.Background(), Options{Env: env, Browsers: []string{"edge"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Removed, []string{edge.ManifestPath}) || len(r.Kept) != 1 || !strings.Contains(r.Kept[0], "still registered for Chromium") {
		t.Errorf("removal = %+v", r)
	}
	for _, p := range []string{chromiumManifest, binary} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed", p)
		}
	}
}

// A folder that holds no extension is never removed as the extension copy.
func TestUninstallLeavesForeignExtensionDir(t *testing.T) {
	env, _ := testEnv(t, "linux")
	binDir := t.TempDir()
	foreign := filepath.Join(binDir, "tabtap-extension")
	writeFile(t, filepath.Join(foreign, "notes.txt"), "mine", 0o644)
	_, err := Uninstall(context.Background(), Options{Env: env, BinDir: binDir})
	if err == nil || !strings.Contains(err.Error(), "holds no manifest.json") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(foreign, "notes.txt")); err != nil {
		t.Error("a foreign folder was removed")
	}
}

func TestInstallAndUninstallWindowsRegistry(t *testing.T) {
	env, machine := testEnv(t, "windows")
	ctx := context.Background()
	chromeKey := `HKCU\Software\Google\Chrome\NativeMessagingHosts\dev.tabtap.host`
	chromiumKey := `HKCU\Software\Chromium\NativeMessagingHosts\dev.tabtap.host`
	edgeKey := `HKCU\Software\Microsoft\Edge\NativeMessagingHosts\dev.tabtap.host`
	manifest := windowsManifestPath(env)
	m, _ := NewManifest(filepath.Join(env.Home, "bin", "tabtap.exe"))
	for _, name := range []string{"chromium", "edge"} {
		b, _ := LookupBrowser(name)
		if err := register(ctx, env, browserTarget(env, b), m); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{chromeKey, chromiumKey, edgeKey} {
		if machine.reg[key] != manifest {
			t.Errorf("%s = %q, want %s", key, machine.reg[key], manifest)
		}
	}
	if _, err := ReadManifest(manifest); err != nil {
		t.Fatal(err)
	}

	// Chrome is installed and reads its key: uninstalling Chromium keeps it.
	mkdir(t, filepath.Join(env.Home, "AppData", "Local", "Google", "Chrome", "User Data"))
	r, err := Uninstall(ctx, Options{Env: env, Browsers: []string{"chromium"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Removed, []string{chromiumKey}) {
		t.Errorf("removed %q", r.Removed)
	}
	if _, ok := machine.reg[chromeKey]; !ok {
		t.Error("Chrome's key was removed")
	}

	r, err = Uninstall(ctx, Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if len(machine.reg) != 0 {
		t.Errorf("registry left: %v", machine.reg)
	}
	if !slices.Contains(r.Removed, manifest) || !slices.Contains(r.Removed, chromeKey) || !slices.Contains(r.Removed, edgeKey) {
		t.Errorf("removed %q", r.Removed)
	}
	if _, err := os.Stat(manifest); !os.IsNotExist(err) {
		t.Error("the manifest is still there")
	}
}

// The folders an install made go with the uninstall, once empty; those
// that were there before stay, even empty, and so does one the person put
// something in.
func TestUninstallRemovesTheFoldersTheInstallMade(t *testing.T) {
	env, _ := testEnv(t, "linux")
	mkdir(t, filepath.Join(env.Home, ".config", "chromium")) // there before, empty
	bin := filepath.Join(t.TempDir(), "tabtap")
	writeFile(t, bin, "bin", 0o755)
	opts := Options{Env: env, Browsers: []string{"chromium", "edge", "brave"}, Binary: bin}
	ctx := context.Background()
	if _, err := Install(ctx, opts); err != nil {
		t.Fatal(err)
	}
	brave := filepath.Join(env.Home, ".config", "BraveSoftware")
	writeFile(t, filepath.Join(brave, "notes.txt"), "mine", 0o644)
	if _, err := Uninstall(ctx, opts); err != nil {
		t.Fatal(err)
	}
	var left []string
	filepath.WalkDir(env.Home, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(env.Home, p)
		left = append(left, filepath.ToSlash(rel))
		return err
	})
	want := []string{".", ".config", ".config/BraveSoftware", ".config/BraveSoftware/notes.txt", ".config/chromium"}
	if !slices.Equal(left, want) {
		t.Errorf("the home holds %q, want %q", left, want)
	}
}
