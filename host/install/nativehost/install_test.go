package nativehost

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/internal/testenv"
)

// Install, Check and Uninstall end to end on a fake checkout: the e2e tests'
// way of registering the host into a temporary profile.
func TestInstallCheckUninstall(t *testing.T) {
	testenv.GoTool(t)
	// The real system, so the built binary runs; a Chrome it must leave alone.
	env, _ := testEnv(t, "")
	mkdir(t, filepath.Join(env.Home, ".config", "google-chrome"))
	root := fakeModule(t, "host")
	profile, binDir := t.TempDir(), t.TempDir()
	var out bytes.Buffer
	opts := Options{UserDataDirs: []string{profile}, BinDir: binDir, ModuleRoot: root, Env: env, Out: &out}
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
	if runBinary(t, res.BinaryPath) != "host" {
		t.Error("the binary is not the module's host")
	}
	for _, s := range []string{"building the host: " + res.BinaryPath, "copied the extension: " + res.ExtensionDir, "registered for profile " + profile} {
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
	if len(removal.Removed) != 3 {
		t.Errorf("removed %q", removal.Removed)
	}
	assertOnlyFiles(t, binDir)
	assertOnlyFiles(t, filepath.Join(profile, "NativeMessagingHosts"))
}

func TestInstallRejectsBadOptions(t *testing.T) {
	env, _ := testEnv(t, "linux")
	ctx := context.Background()
	if _, err := Install(ctx, Options{Env: env, Browsers: []string{"netscape"}}); err == nil {
		t.Error("an unknown browser was accepted")
	}
	if _, err := Install(ctx, Options{Env: env, ExtensionIDs: []string{"nope"}}); err == nil {
		t.Error("a bad extension ID was accepted")
	}
	_, err := Install(ctx, Options{Env: env, ModuleRoot: t.TempDir(), BinDir: t.TempDir(), UserDataDirs: []string{t.TempDir()}})
	if err == nil {
		t.Error("a folder without the host was built")
	}
}
