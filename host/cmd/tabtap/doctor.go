package main

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/tabtap/tabtap/host/install"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// runInstall is `tabtap install`, `tabtap uninstall` and `tabtap doctor`:
// the installer's work, run by the binary itself, which installs itself.
func runInstall(ctx context.Context, mode install.Mode, args []string, stdout, stderr io.Writer) int {
	return install.Run(ctx, selfFront(), mode, nativehost.Env{}, args, stdout, stderr)
}

// selfFront is the installer as this binary runs it: the commands it
// quotes are this binary's (the installed one's path once known), and the
// binary it installs is itself.
func selfFront() install.Front {
	return install.Front{
		Command: func(installed string) string {
			if installed == "" {
				return "tabtap"
			}
			return nativehost.QuoteArg(nativehost.Env{}, installed)
		},
		Binary: func(context.Context, io.Writer) (string, string, func(), error) {
			exe, err := executable()
			return exe, version, func() {}, err
		},
		BinDir:  ownInstallDir,
		Version: version,
	}
}

// executable is the path of this binary, links resolved.
func executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return exe, nil
}

// ownInstallDir is the folder of this binary when it is an installation of
// its own (an install with --bin-dir: the extension copy beside it), so
// that `tabtap doctor` and `tabtap uninstall` run from there mean that
// installation. It is "" otherwise (the default bin dir, or a binary just
// unpacked from a release archive), which means the default installation.
func ownInstallDir() string {
	exe, err := executable()
	if err != nil {
		return ""
	}
	dir := filepath.Dir(exe)
	if def, err := nativehost.DefaultBinDir(nativehost.Env{}); err == nil {
		if real, err := filepath.EvalSymlinks(def); err == nil {
			def = real
		}
		if dir == def {
			return ""
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tabtap-extension", "manifest.json")); err != nil {
		return ""
	}
	return dir
}

// removeAsides removes what an upgrade on Windows moved aside from this
// binary's path, now that the new binary runs.
func removeAsides() {
	if exe, err := executable(); err == nil {
		nativehost.RemoveAsides(exe)
	}
}
