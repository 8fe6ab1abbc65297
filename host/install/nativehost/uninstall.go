package nativehost

import (
	"context"
	"errors"
	"fmt"
	"io"
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
// out of the uninstall still uses them, and the folders the install made
// once they are empty. It goes on past failures and returns them joined.
func Uninstall(ctx context.Context, opts Options) (*Removal, error) {
	env, out, targets, l, err := plan(opts, true)
	if err != nil {
		return nil, err
	}
	u := &uninstall{ctx: ctx, env: env, out: out, res: &Removal{}, targeted: map[string]bool{}, made: readRecord(l.binDir).CreatedDirs}
	for _, t := range targets {
		u.targeted[t.Browser.Name] = true
	}
	for _, t := range targets {
		u.unregister(t)
	}
	if env.windows() {
		u.removeWindowsManifest()
	}
	u.removeInstallation(l, opts.BinDir == "")
	return u.res, errors.Join(u.errs...)
}

// uninstall is one Uninstall under way: what it removed, kept and failed
// to remove.
type uninstall struct {
	ctx      context.Context
	env      Env
	out      io.Writer
	res      *Removal
	errs     []error
	targeted map[string]bool // the browsers uninstalled, by Name
	made     []string        // the folders installs made (recordFile)
}

func (u *uninstall) removed(what string) {
	u.res.Removed = append(u.res.Removed, what)
	fmt.Fprintf(u.out, "removed %s\n", what)
}

func (u *uninstall) kept(what string) {
	u.res.Kept = append(u.res.Kept, what)
	fmt.Fprintf(u.out, "kept %s\n", what)
}

// remove removes the file at path, saying so; what names it in an error.
func (u *uninstall) remove(path, what string) {
	if ok, err := removeFile(path); err != nil {
		u.errs = append(u.errs, fmt.Errorf("%s: %w", what, err))
	} else if ok {
		u.removed(path)
	}
}

// unregister removes t's registry keys (Windows) or its manifest, and the
// manifest's folders the install made once they are empty.
func (u *uninstall) unregister(t Target) {
	for _, key := range t.RegistryKeys {
		if _, ok := regGet(u.ctx, u.env, key); !ok {
			continue
		}
		if users := keyUsers(u.env, key, u.targeted); len(users) > 0 {
			u.kept(fmt.Sprintf("%s: %s reads it too", hostKey(key), strings.Join(users, ", ")))
			continue
		}
		if err := regDelete(u.ctx, u.env, key); err != nil {
			u.errs = append(u.errs, err)
			continue
		}
		u.removed(hostKey(key))
	}
	if len(t.RegistryKeys) > 0 {
		return // the shared Windows manifest is handled apart
	}
	u.remove(t.ManifestPath, "unregister from "+t.Label)
	u.removeMadeDirs(filepath.Dir(t.ManifestPath))
}

// removeWindowsManifest removes the one manifest every registry key
// points to, unless a key still does.
func (u *uninstall) removeWindowsManifest() {
	path := windowsManifestPath(u.env)
	if users := windowsKeysInUse(u.ctx, u.env); len(users) > 0 {
		u.kept(fmt.Sprintf("%s: still registered in %s", path, strings.Join(users, ", ")))
		return
	}
	u.remove(path, "remove the manifest")
}

// removeInstallation removes the host binary (and those an upgrade moved
// aside) and the extension copy, unless a browser left out of the
// uninstall still uses them; with the default layout, also its folders
// once empty.
func (u *uninstall) removeInstallation(l layout, defaultLayout bool) {
	if users := binaryUsers(u.ctx, u.env, l.binaryPath, u.targeted); len(users) > 0 {
		u.kept(fmt.Sprintf("%s and %s: still registered for %s", l.binaryPath, l.extensionDir, strings.Join(users, ", ")))
		return
	}
	for _, path := range append([]string{l.binaryPath}, asides(l.binaryPath)...) {
		u.remove(path, "remove the host binary")
	}
	os.Remove(filepath.Join(l.binDir, recordFile)) // the install's own note, said no more
	if ok, err := removeExtensionCopy(l.extensionDir); err != nil {
		u.errs = append(u.errs, err)
	} else if ok {
		u.removed(l.extensionDir)
	}
	if defaultLayout {
		// tabtap's own folders, made by an install that kept no record.
		for _, dir := range []string{l.binDir, dataDir(u.env)} {
			if os.Remove(dir) == nil {
				u.removed(dir)
			}
		}
	}
	u.removeMadeDirs("")
}

// removeMadeDirs removes the folders installs made, deepest first, that
// are empty and are under (or are) within: all of them when within is "".
// A folder the person put anything in since stays.
func (u *uninstall) removeMadeDirs(within string) {
	for _, dir := range deepestFirst(u.made) {
		if within != "" && dir != within && !strings.HasPrefix(dir, within+string(filepath.Separator)) && !strings.HasPrefix(within, dir+string(filepath.Separator)) {
			continue
		}
		if os.Remove(dir) == nil {
			u.removed(dir)
		}
	}
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
