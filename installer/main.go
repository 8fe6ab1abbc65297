// Command installer installs tabtap from this checkout: it builds the
// tabtap binary, then installs it as `tabtap install` does (registers it
// with the Chromium-family browsers of this user, writes the extension,
// writes tabtap into the MCP clients asked for, and prints what is left to
// do).
//
//	go run ./installer [--browser NAME]... [--user-data-dir DIR]... [--bin-dir DIR]
//	                   [--extension-id ID]... [--client NAME|all]...
//	                   [--check | --uninstall | --pack-extension OUT.zip]
//
// It is a thin front: the build is package release's, the rest package
// install's, which the tabtap binary runs too. `go run ./installer/release`
// builds the release archives.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/tabtap/tabtap/host/install"
	"github.com/tabtap/tabtap/host/install/nativehost"
	"github.com/tabtap/tabtap/host/release"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := install.Run(ctx, sourceFront(), install.Install, nativehost.Env{}, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// sourceFront is the installer run from a checkout: the commands it quotes
// are `go run ./installer`, and the binary it installs is built from the
// checkout around the working directory.
func sourceFront() install.Front {
	return install.Front{
		Command:   func(string) string { return "go run ./installer" },
		ModeFlags: true,
		Binary:    build,
	}
}

// build builds the tabtap binary of the checkout into a temporary folder.
// Its version is the extension's, so the extension's manifest is left as
// it is.
func build(ctx context.Context, stdout io.Writer) (path, version string, done func(), err error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", "", nil, err
	}
	root, err := release.FindModuleRoot(wd)
	if err != nil {
		return "", "", nil, err
	}
	dir, err := os.MkdirTemp("", "tabtap-build-")
	if err != nil {
		return "", "", nil, err
	}
	done = func() { os.RemoveAll(dir) }
	commit, _ := release.Revision(ctx, root)
	b := release.Build{ModuleRoot: root, Commit: commit, Out: filepath.Join(dir, nativehost.BinaryName(nativehost.Env{}))}
	fmt.Fprintf(stdout, "building the host from %s\n", root)
	if err := b.Run(ctx); err != nil {
		done()
		return "", "", nil, err
	}
	return b.Out, "", done, nil
}
