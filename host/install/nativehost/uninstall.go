package nativehost

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Removal is what Uninstall did.
type Removal struct {
	// Removed lists every file, folder and registry key removed.
	Removed []string
	// Kept lists what was left in place on purpose, with the reason.
	Kept []string
}

// Uninstall removes what Install wrote for the targets of opts (by default
// every browser of the table): the manifests (and on Windows the registry
// keys), then the host binary and the extension copy unless a browser left
// out of the uninstall still uses them. It goes on past failures and
// returns them joined.
func Uninstall(ctx context.Context, opts Options) (*Removal, error) {
	env, out, targets, l, err := plan(opts, true)
	if err != nil {
		return nil, err
	}
	res := &Removal{}
	var errs []error
	removed := func(what string) {
		res.Removed = append(res.Removed, what)
		fmt.Fprintf(out, "removed %s\n", what)
	}
	kept := func(what string) {
		res.Kept = append(res.Kept, what)
		fmt.Fprintf(out, "kept %s\n", what)
	}

	targeted := map[string]bool{}
	for _, t := range targets {
		targeted[t.Browser.Name] = true
	}
	for _, t := range targets {
		for _, key := range t.RegistryKeys {
			if _, ok := regGet(ctx, env, key); !ok {
				continue
			}
			if users := keyUsers(env, key, targeted); len(users) > 0 {
				kept(fmt.Sprintf("%s: %s reads it too", hostKey(key), strings.Join(users, ", ")))
				continue
			}
			if err := regDelete(ctx, env, key); err != nil {
				errs = append(errs, err)
				continue
			}
			removed(hostKey(key))
		}
		if len(t.RegistryKeys) > 0 {
			continue // the shared Windows manifest is handled below
		}
		if ok, err := removeFile(t.ManifestPath); err != nil {
			errs = append(errs, fmt.Errorf("unregister from %s: %w", t.Label, err))
		} else if ok {
			removed(t.ManifestPath)
		}
	}

	if env.windows() {
		if users := windowsKeysInUse(ctx, env); len(users) > 0 {
			kept(fmt.Sprintf("%s: still registered in %s", windowsManifestPath(env), strings.Join(users, ", ")))
		} else if ok, err := removeFile(windowsManifestPath(env)); err != nil {
			errs = append(errs, fmt.Errorf("remove the manifest: %w", err))
		} else if ok {
			removed(windowsManifestPath(env))
		}
	}

	if users := binaryUsers(ctx, env, l.binaryPath, targeted); len(users) > 0 {
		kept(fmt.Sprintf("%s and %s: still registered for %s", l.binaryPath, l.extensionDir, strings.Join(users, ", ")))
	} else {
		for _, path := range []string{l.binaryPath, l.binaryPath + ".old"} {
			if ok, err := removeFile(path); err != nil {
				errs = append(errs, fmt.Errorf("remove the host binary: %w", err))
			} else if ok {
				removed(path)
			}
		}
		if ok, err := removeExtensionCopy(l.extensionDir); err != nil {
			errs = append(errs, err)
		} else if ok {
			removed(l.extensionDir)
		}
		if opts.BinDir == "" {
			// Folders the default layout created; only removed when empty.
			for _, dir := range []string{l.binDir, dataDir(env)} {
				if os.Remove(dir) == nil {
					removed(dir)
				}
			}
		}
	}
	return res, errors.Join(errs...)
}

// removeFile removes path; ok is false when there was nothing to remove.
func removeFile(path string) (ok bool, err error) {
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// removeExtensionCopy removes the extension copy at dir, refusing a folder
// that does not hold an extension.
func removeExtensionCopy(dir string) (bool, error) {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if !fileExists(filepath.Join(dir, "manifest.json")) {
		return false, fmt.Errorf("remove the extension copy: %s holds no manifest.json, so it is not the copy the installer made; left in place", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return false, fmt.Errorf("remove the extension copy: %w", err)
	}
	return true, nil
}

// binaryUsers lists the browsers left out of the uninstall whose manifest
// still points at binaryPath.
func binaryUsers(ctx context.Context, env Env, binaryPath string, targeted map[string]bool) []string {
	var users []string
	for _, b := range browsers {
		if targeted[b.Name] {
			continue
		}
		t := browserTarget(env, b)
		paths := []string{t.ManifestPath}
		if len(t.RegistryKeys) > 0 {
			paths = nil
			for _, key := range t.RegistryKeys {
				if p, ok := regGet(ctx, env, key); ok {
					paths = append(paths, p)
				}
			}
		}
		for _, p := range paths {
			if m, err := ReadManifest(p); err == nil && m.Path == binaryPath {
				users = append(users, b.Title)
				break
			}
		}
	}
	return users
}

// windowsKeysInUse lists the registry keys of the table that still hold a
// registration.
func windowsKeysInUse(ctx context.Context, env Env) []string {
	var keys []string
	seen := map[string]bool{}
	for _, b := range browsers {
		for _, key := range b.WindowsKeys {
			if seen[key] {
				continue
			}
			seen[key] = true
			if _, ok := regGet(ctx, env, key); ok {
				keys = append(keys, hostKey(key))
			}
		}
	}
	return keys
}

// keyUsers lists the installed browsers left out of the uninstall that read
// the registry key too (Chromium and Vivaldi share Chrome's).
func keyUsers(env Env, key string, targeted map[string]bool) []string {
	var users []string
	for _, b := range browsers {
		if !targeted[b.Name] && slices.Contains(b.WindowsKeys, key) && b.installed(env) {
			users = append(users, b.Title)
		}
	}
	return users
}
