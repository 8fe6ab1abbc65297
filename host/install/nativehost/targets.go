package nativehost

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Target is one place where a browser looks for the host manifest: a
// browser's default user data directory, or a profile named with
// --user-data-dir.
type Target struct {
	// Label names the target for people: "Google Chrome", or
	// "profile /tmp/p" for a user data directory.
	Label string
	// Browser is the table row for a browser target; its Name is empty for
	// a user data directory target.
	Browser Browser
	// UserDataDir is the profile directory of a --user-data-dir target.
	UserDataDir string
	// ManifestPath is the manifest file the target uses.
	ManifestPath string
	// RegistryKeys are, on Windows, the keys under HKEY_CURRENT_USER whose
	// dev.tabtap.host subkey points the browser at ManifestPath.
	RegistryKeys []string
}

// UserDataDirTarget is the target for a custom profile directory: Chromium
// started with --user-data-dir=dir reads host manifests from
// dir/NativeMessagingHosts.
func UserDataDirTarget(dir string) (Target, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Target{}, fmt.Errorf("resolve the user data dir %q: %w", dir, err)
	}
	return Target{
		Label:        "profile " + abs,
		UserDataDir:  abs,
		ManifestPath: filepath.Join(abs, "NativeMessagingHosts", manifestFile),
	}, nil
}

// browserTarget is the target for b's default user data directory.
func browserTarget(env Env, b Browser) Target {
	t := Target{Label: b.Title, Browser: b}
	if env.windows() {
		t.ManifestPath = windowsManifestPath(env)
		t.RegistryKeys = slices.Clone(b.WindowsKeys)
		return t
	}
	t.ManifestPath = filepath.Join(b.userDataDir(env), "NativeMessagingHosts", manifestFile)
	return t
}

// resolveTargets turns Options.Browsers and Options.UserDataDirs into
// targets. When neither is given, it returns every installed browser, or
// with all set every browser of the table (uninstall cleans up after
// browsers removed since).
func resolveTargets(env Env, opts Options, all bool) ([]Target, error) {
	var targets []Target
	seen := map[string]bool{}
	for _, name := range opts.Browsers {
		b, ok := LookupBrowser(name)
		if !ok {
			return nil, fmt.Errorf("unknown browser %q: use one of %s", name, strings.Join(BrowserNames(), ", "))
		}
		if !seen[b.Name] {
			seen[b.Name] = true
			targets = append(targets, browserTarget(env, b))
		}
	}
	for _, dir := range opts.UserDataDirs {
		t, err := UserDataDirTarget(dir)
		if err != nil {
			return nil, err
		}
		if !seen[t.UserDataDir] {
			seen[t.UserDataDir] = true
			targets = append(targets, t)
		}
	}
	if len(opts.Browsers) > 0 || len(opts.UserDataDirs) > 0 {
		return targets, nil
	}
	for _, b := range browsers {
		if all || b.installed(env) {
			targets = append(targets, browserTarget(env, b))
		}
	}
	return targets, nil
}

// register writes the manifest for target and, on Windows, points the
// target's registry keys at it.
func register(ctx context.Context, env Env, t Target, m Manifest) error {
	if err := WriteManifest(t.ManifestPath, m); err != nil {
		return fmt.Errorf("register for %s: %w", t.Label, err)
	}
	for _, key := range t.RegistryKeys {
		if err := regSet(ctx, env, key, t.ManifestPath); err != nil {
			return fmt.Errorf("register for %s: %w", t.Label, err)
		}
	}
	return nil
}
