package nativehost

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
)

// Options says what to install, check or uninstall, and where. The zero
// value means: every browser found on this machine, the default per-user
// locations, the project's extension ID only.
type Options struct {
	// Browsers names the browsers to act on (chrome, chromium, edge, brave,
	// vivaldi; case does not matter). When Browsers and UserDataDirs are
	// both empty, Install and Check act on every browser found and
	// Uninstall on every browser of the table. When only UserDataDirs is
	// given, no browser's default profile is touched.
	Browsers []string
	// UserDataDirs are custom profile directories (Chromium's
	// --user-data-dir); the manifest goes to DIR/NativeMessagingHosts.
	UserDataDirs []string
	// BinDir is where the host binary goes; empty means DefaultBinDir.
	BinDir string
	// ExtensionDir is where the extension is copied. Empty means
	// DefaultExtensionDir with the default bin dir, and
	// BinDir/tabtap-extension with a chosen one, so an install into chosen
	// directories writes nowhere else.
	ExtensionDir string
	// ExtensionIDs are extension IDs to allow besides ExtensionID (a store
	// build, a differently keyed development copy).
	ExtensionIDs []string
	// Binary is the host binary to install: this executable for `tabtap
	// install`, a fresh build for the installer run from a checkout.
	// Install needs it; Check and Uninstall do not read it.
	Binary string
	// Extension holds the extension's files; nil means ExtensionFiles, the
	// ones this program carries.
	Extension fs.FS
	// Version is the tabtap version of Binary. Install writes it into the
	// extension copy's manifest, so that the two parts say the same;
	// empty leaves the manifest's version as it is.
	Version string
	// InstallCommand is the command that installs, quoted by the fixes a
	// check suggests: "go run ./installer", or the tabtap binary followed by
	// "install". Empty means "tabtap install".
	InstallCommand string
	// Env is the machine to act on; the zero value is this one.
	Env Env
	// Out receives one line per step taken; nil discards them.
	Out io.Writer
}

// Result is what Install did.
type Result struct {
	// BinaryPath is the absolute path of the built host binary, the command
	// MCP clients run (with the argument "mcp").
	BinaryPath string
	// ExtensionDir is the copied extension folder to load unpacked.
	ExtensionDir string
	// Registered are the targets whose manifest was written.
	Registered []Target
	// NoBrowserFound is true when no browser was named, no user data dir
	// was given and none of the known browsers was found: nothing was
	// registered.
	NoBrowserFound bool
}

// Install puts the host binary and the extension in place and registers
// the host's manifest for every target of opts. Run again (a newer
// binary's install, say) it replaces both while the browser runs: see
// PlaceBinary.
func Install(ctx context.Context, opts Options) (*Result, error) {
	env, out, targets, l, err := plan(opts, false)
	if err != nil {
		return nil, err
	}
	m, err := NewManifest(l.binaryPath, opts.ExtensionIDs...)
	if err != nil {
		return nil, err
	}
	if opts.Binary == "" {
		return nil, errors.New("install: no host binary to install")
	}
	src := opts.Extension
	if src == nil {
		src = ExtensionFiles()
	}
	made := missingDirs(l.binDir, filepath.Dir(l.extensionDir))
	for _, t := range targets {
		made = append(made, missingDirs(filepath.Dir(t.ManifestPath))...)
	}
	if err := PlaceBinary(opts.Binary, l.binaryPath); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "installed the host: %s\n", l.binaryPath)
	if err := WriteExtension(src, l.extensionDir, opts.Version); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "wrote the extension: %s\n", l.extensionDir)

	res := &Result{BinaryPath: l.binaryPath, ExtensionDir: l.extensionDir, NoBrowserFound: len(targets) == 0}
	for _, t := range targets {
		if err := register(ctx, env, t, m); err != nil {
			return res, err
		}
		fmt.Fprintf(out, "registered for %s: %s\n", t.Label, t.ManifestPath)
		if env.windows() && t.UserDataDir != "" {
			fmt.Fprintf(out, "  note: on Windows browsers find hosts through the registry only; name the browser with --browser too\n")
		}
		res.Registered = append(res.Registered, t)
	}
	if err := addToRecord(l.binDir, made); err != nil {
		return res, fmt.Errorf("note the folders the install made: %w", err)
	}
	return res, nil
}

// RegisterUserDataDir writes the host manifest into the custom profile
// userDataDir (userDataDir/NativeMessagingHosts/dev.tabtap.host.json),
// pointing at binaryPath and allowing the project's extension plus
// extraIDs. It returns the manifest's path. It is for a binary put in
// place separately; Install does the whole job.
func RegisterUserDataDir(userDataDir, binaryPath string, extraIDs ...string) (string, error) {
	t, err := UserDataDirTarget(userDataDir)
	if err != nil {
		return "", err
	}
	m, err := NewManifest(binaryPath, extraIDs...)
	if err != nil {
		return "", err
	}
	if err := WriteManifest(t.ManifestPath, m); err != nil {
		return "", fmt.Errorf("register for %s: %w", t.Label, err)
	}
	return t.ManifestPath, nil
}

// plan resolves what Install, Uninstall and Check work on: the machine,
// where messages go, the targets (every browser of the table when all is
// set and none was named) and where the binary and extension copy live.
func plan(opts Options, all bool) (env Env, out io.Writer, targets []Target, l layout, err error) {
	if env, err = opts.Env.resolve(); err != nil {
		return
	}
	out = opts.Out
	if out == nil {
		out = io.Discard
	}
	if targets, err = resolveTargets(env, opts, all); err != nil {
		return
	}
	l, err = resolveLayout(env, opts)
	return
}
