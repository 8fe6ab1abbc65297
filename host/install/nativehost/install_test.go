package nativehost

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Install, Check and Uninstall end to end, with a stand-in binary: the
// e2e tests' way of registering the host into a temporary profile.
func TestInstallCheckUninstall(t *testing.T) {
	env, _ := testEnv(t, "linux")
	// A Chrome it must leave alone.
	mkdir(t, filepath.Join(env.Home, ".config", "google-chrome"))
	src := filepath.Join(t.TempDir(), "tabtap")
	writeFile(t, src, "#!/bin/sh\necho host\n", 0o755)
	profile, binDir := t.TempDir(), t.TempDir()
	var out bytes.Buffer
	opts := Options{UserDataDirs: []string{profile}, BinDir: binDir, Binary: src, Version: "0.7.0", Env: env, Out: &out}
	ctx := context.Background()

	res, err := Install(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.BinaryPath != filepath.Join(binDir, BinaryName(env)) || res.ExtensionDir != filepath.Join(binDir, "tabtap-extension") || res.NoBrowserFound {
		t.Errorf("result = %+v", res)
	}
	if len(res.Registered) != 1 || res.Registered[0].ManifestPath != filepath.Join(profile, "NativeMessagingHosts", "dev.tabtap.host.json") {
		t.Errorf("registered = %+v", res.Registered)
	}
	if data, _ := os.ReadFile(res.BinaryPath); string(data) != "#!/bin/sh\necho host\n" {
		t.Errorf("the installed binary holds %q", data)
	}
	if fi, err := os.Stat(res.BinaryPath); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the installed binary: %v %v", fi.Mode(), err)
	}
	var m struct{ Version string }
	data, _ := os.ReadFile(filepath.Join(res.ExtensionDir, "manifest.json"))
	if err := json.Unmarshal(data, &m); err != nil || m.Version != "0.7.0" {
		t.Errorf("the extension's manifest says version %q (%v)", m.Version, err)
	}
	for _, s := range []string{"installed the host: " + res.BinaryPath, "wrote the extension: " + res.ExtensionDir, "registered for profile " + profile} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
	assertOnlyFiles(t, filepath.Join(env.Home, ".config", "google-chrome"))

	r, err := Check(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || !r.BinaryFound || !r.ExtensionFound {
		var buf bytes.Buffer
		r.Print(&buf)
		t.Errorf("check after install:\n%s", buf.String())
	}

	removal, err := Uninstall(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(removal.Removed) != 4 { // manifest, its folder, binary, extension
		t.Errorf("removed %q", removal.Removed)
	}
	assertOnlyFiles(t, binDir)
	assertOnlyFiles(t, profile)
}

func TestInstallRejectsBadOptions(t *testing.T) {
	env, _ := testEnv(t, "linux")
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "tabtap")
	writeFile(t, bin, "bin", 0o755)
	if _, err := Install(ctx, Options{Env: env, Binary: bin, Browsers: []string{"netscape"}}); err == nil {
		t.Error("an unknown browser was accepted")
	}
	if _, err := Install(ctx, Options{Env: env, Binary: bin, ExtensionIDs: []string{"nope"}}); err == nil {
		t.Error("a bad extension ID was accepted")
	}
	dirs := Options{Env: env, BinDir: t.TempDir(), UserDataDirs: []string{t.TempDir()}}
	if _, err := Install(ctx, dirs); err == nil {
		t.Error("an install without a binary went ahead")
	}
	dirs.Binary = filepath.Join(t.TempDir(), "missing")
	if _, err := Install(ctx, dirs); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a missing binary: err = %v", err)
	}
	dirs.Binary, dirs.Version = bin, "latest"
	if _, err := Install(ctx, dirs); err == nil || !strings.Contains(err.Error(), `"latest"`) {
		t.Errorf("a version with no numbers: err = %v", err)
	}
}
