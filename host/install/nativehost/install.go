package nativehost

import (
	"context"
	"fmt"
	"io"
	"os"
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
	// ModuleRoot is the tabtap checkout to build from and copy the extension
	// from; empty means FindModuleRoot from the working directory.
	ModuleRoot string
	// BuildFlags are passed to go build after -trimpath (e.g. "-race").
	BuildFlags []string
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

// Install builds the host binary, copies the extension and registers the
// host's manifest for every target of opts.
func Install(ctx context.Context, opts Options) (*Result, error) {
	env, out, targets, l, err := plan(opts, false)
	if err != nil {
		return nil, err
	}
	m, err := NewManifest(l.binaryPath, opts.ExtensionIDs...)
	if err != nil {
		return nil, err
	}
	root := opts.ModuleRoot
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("find the tabtap module: %w", err)
		}
		if root, err = FindModuleRoot(wd); err != nil {
			return nil, err
		}
	}

	fmt.Fprintf(out, "building the host: %s\n", l.binaryPath)
	if err := BuildHost(ctx, root, l.binaryPath, opts.BuildFlags...); err != nil {
		return nil, err
	}
	if err := CopyExtension(ExtensionSourceDir(root), l.extensionDir); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "copied the extension: %s\n", l.extensionDir)

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
	return res, nil
}

// RegisterUserDataDir writes the host manifest into the custom profile
// userDataDir (userDataDir/NativeMessagingHosts/dev.tabtap.host.json),
// pointing at binaryPath and allowing the project's extension plus
// extraIDs. It returns the manifest's path. It is for a binary built
// separately, e.g. with BuildHost; Install does the whole job.
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
