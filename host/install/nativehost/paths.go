package nativehost

import (
	"fmt"
	"path/filepath"

	"github.com/tabtap/tabtap/host/mcplink"
)

// HostName is the native-messaging host name the extension connects to.
const HostName = "dev.tabtap.host"

// ExtensionID is the fixed ID of the unpacked tabtap extension (its manifest
// carries the public key the ID is derived from).
const ExtensionID = "neifaegcdjegkdnloapedeohonbfdkcc"

// manifestFile is the host manifest's file name in a NativeMessagingHosts
// folder.
const manifestFile = HostName + ".json"

// BinaryName is the host binary's file name on the system env describes:
// tabtap, or tabtap.exe on Windows.
func BinaryName(env Env) string {
	if env.windows() {
		return "tabtap.exe"
	}
	return "tabtap"
}

// DataDir is tabtap's per-user folder, which holds the default bin dir and
// the extension copy: $XDG_DATA_HOME/tabtap (else ~/.local/share/tabtap) on
// Linux, ~/Library/Application Support/tabtap on macOS and
// %LOCALAPPDATA%\tabtap on Windows.
func DataDir(env Env) (string, error) {
	env, err := env.resolve()
	if err != nil {
		return "", err
	}
	return dataDir(env), nil
}

// DefaultBinDir is where the host binary goes when no bin dir is given:
// DataDir/bin.
func DefaultBinDir(env Env) (string, error) {
	env, err := env.resolve()
	if err != nil {
		return "", err
	}
	return filepath.Join(dataDir(env), "bin"), nil
}

// DefaultExtensionDir is where the extension is copied when the default bin
// dir is used: DataDir/extension.
func DefaultExtensionDir(env Env) (string, error) {
	env, err := env.resolve()
	if err != nil {
		return "", err
	}
	return filepath.Join(dataDir(env), "extension"), nil
}

// RuntimeDir is the directory where running daemons register themselves:
// $TABTAP_RUNTIME_DIR, else $TMPDIR/tabtap on macOS,
// %LOCALAPPDATA%\tabtap\run on Windows, $XDG_RUNTIME_DIR/tabtap elsewhere,
// and failing those <temp dir>/tabtap-<uid>. It follows the host's own
// rule (host/mcplink); the host owns the files in it, the installer only
// lists them.
func RuntimeDir(env Env) (string, error) {
	env, err := env.resolve()
	if err != nil {
		return "", err
	}
	return runtimeDir(env), nil
}

func runtimeDir(env Env) string { return mcplink.RuntimeDirFor(env.OS, env.Getenv) }

func dataDir(env Env) string {
	switch {
	case env.windows():
		return filepath.Join(localAppData(env), "tabtap")
	case env.macOS():
		return filepath.Join(env.Home, "Library", "Application Support", "tabtap")
	default:
		if dir := env.Getenv("XDG_DATA_HOME"); filepath.IsAbs(dir) {
			return filepath.Join(dir, "tabtap")
		}
		return filepath.Join(env.Home, ".local", "share", "tabtap")
	}
}

// ConfigHome is where Linux programs keep their settings for the user env
// describes: $XDG_CONFIG_HOME, else ~/.config. env must be resolved.
func ConfigHome(env Env) string { return configHome(env) }

// configHome is where Linux browsers keep their user data: $XDG_CONFIG_HOME,
// else ~/.config (relative values are ignored, as the XDG spec says).
func configHome(env Env) string {
	if dir := env.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(env.Home, ".config")
}

func localAppData(env Env) string {
	if dir := env.Getenv("LOCALAPPDATA"); dir != "" {
		return dir
	}
	return filepath.Join(env.Home, "AppData", "Local")
}

// windowsManifestPath is the one manifest file every Windows registry key
// points to: the content is the same for every browser.
func windowsManifestPath(env Env) string {
	return filepath.Join(dataDir(env), manifestFile)
}

// layout is where one installation puts its binary and its extension copy.
type layout struct {
	binDir       string
	binaryPath   string
	extensionDir string
}

// resolveLayout applies the defaults of Options.BinDir and
// Options.ExtensionDir.
func resolveLayout(env Env, opts Options) (layout, error) {
	var l layout
	l.binDir = opts.BinDir
	l.extensionDir = opts.ExtensionDir
	if l.binDir == "" {
		l.binDir = filepath.Join(dataDir(env), "bin")
		if l.extensionDir == "" {
			l.extensionDir = filepath.Join(dataDir(env), "extension")
		}
	} else if l.extensionDir == "" {
		// A chosen bin dir keeps everything the install writes (besides
		// manifests) in the directories the person named.
		l.extensionDir = filepath.Join(l.binDir, "tabtap-extension")
	}
	var err error
	if l.binDir, err = filepath.Abs(l.binDir); err != nil {
		return l, fmt.Errorf("resolve the bin dir: %w", err)
	}
	if l.extensionDir, err = filepath.Abs(l.extensionDir); err != nil {
		return l, fmt.Errorf("resolve the extension dir: %w", err)
	}
	l.binaryPath = filepath.Join(l.binDir, BinaryName(env))
	return l, nil
}

// BinaryPath is the absolute path of the host binary an install with opts
// puts in place (MCP clients start it with the argument "mcp").
func BinaryPath(opts Options) (string, error) {
	env, err := opts.Env.resolve()
	if err != nil {
		return "", err
	}
	l, err := resolveLayout(env, opts)
	if err != nil {
		return "", err
	}
	return l.binaryPath, nil
}
