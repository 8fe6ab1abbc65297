package nativehost

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func targetLabels(ts []Target) []string {
	var labels []string
	for _, t := range ts {
		labels = append(labels, t.Label)
	}
	return labels
}

func TestTargetsFoundByDefault(t *testing.T) {
	t.Run("linux", func(t *testing.T) {
		env, m := testEnv(t, "linux")
		mkdir(t, filepath.Join(env.Home, ".config", "chromium")) // it ran once
		m.path["microsoft-edge-stable"] = true                   // installed, never ran
		ts, err := resolveTargets(env, Options{}, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := targetLabels(ts); !slices.Equal(got, []string{"Chromium", "Microsoft Edge"}) {
			t.Errorf("targets = %q", got)
		}
		all, _ := resolveTargets(env, Options{}, true)
		if len(all) != len(Browsers()) {
			t.Errorf("every browser of the table: got %q", targetLabels(all))
		}
	})
	t.Run("darwin", func(t *testing.T) {
		env, _ := testEnv(t, "darwin")
		mkdir(t, filepath.Join(env.Home, "Library", "Application Support", "BraveSoftware", "Brave-Browser"))
		mkdir(t, filepath.Join(env.Home, "Applications", "Vivaldi.app"))
		ts, _ := resolveTargets(env, Options{}, false)
		if got := targetLabels(ts); !slices.Equal(got, []string{"Brave", "Vivaldi"}) {
			t.Errorf("targets = %q", got)
		}
	})
	t.Run("windows", func(t *testing.T) {
		env, _ := testEnv(t, "windows")
		mkdir(t, filepath.Join(env.Home, "AppData", "Local", "Google", "Chrome", "User Data"))
		ts, _ := resolveTargets(env, Options{}, false)
		if got := targetLabels(ts); !slices.Equal(got, []string{"Google Chrome"}) {
			t.Errorf("targets = %q", got)
		}
	})
	t.Run("none", func(t *testing.T) {
		env, _ := testEnv(t, "linux")
		if ts, err := resolveTargets(env, Options{}, false); err != nil || len(ts) != 0 {
			t.Errorf("targets = %q, %v", targetLabels(ts), err)
		}
	})
}

func TestTargetsNamed(t *testing.T) {
	env, _ := testEnv(t, "linux")
	mkdir(t, filepath.Join(env.Home, ".config", "chromium"))
	profile := t.TempDir()

	// A named browser is registered even when not found; only named ones are.
	ts, err := resolveTargets(env, Options{Browsers: []string{"EDGE", "edge", "Chrome"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := targetLabels(ts); !slices.Equal(got, []string{"Microsoft Edge", "Google Chrome"}) {
		t.Errorf("targets = %q", got)
	}

	// A profile alone leaves every browser's default profile alone.
	ts, err = resolveTargets(env, Options{UserDataDirs: []string{profile, profile + "/"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 {
		t.Fatalf("targets = %q", targetLabels(ts))
	}
	want := filepath.Join(profile, "NativeMessagingHosts", "dev.tabtap.host.json")
	if ts[0].ManifestPath != want || ts[0].UserDataDir != profile || ts[0].Browser.Name != "" || ts[0].RegistryKeys != nil {
		t.Errorf("profile target = %+v, want manifest %s", ts[0], want)
	}

	_, err = resolveTargets(env, Options{Browsers: []string{"firefox"}}, false)
	if err == nil || !strings.Contains(err.Error(), "chrome, chromium, edge, brave, vivaldi") {
		t.Errorf("unknown browser: err = %v", err)
	}
}

// A relative --user-data-dir is made absolute: the browser resolves it
// against its own working directory, not ours.
func TestUserDataDirTargetIsAbsolute(t *testing.T) {
	tt, err := UserDataDirTarget("profile")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(tt.ManifestPath) || !strings.HasSuffix(tt.ManifestPath, filepath.Join("profile", "NativeMessagingHosts", "dev.tabtap.host.json")) {
		t.Errorf("manifest path = %s", tt.ManifestPath)
	}
}

func TestRegisterUserDataDir(t *testing.T) {
	profile := t.TempDir()
	path, err := RegisterUserDataDir(profile, "/opt/tabtap", "abcdefghijklmnopabcdefghijklmnop")
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(profile, "NativeMessagingHosts", "dev.tabtap.host.json") {
		t.Errorf("path = %s", path)
	}
	m, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Path != "/opt/tabtap" || len(m.AllowedOrigins) != 2 {
		t.Errorf("manifest = %+v", m)
	}
}
