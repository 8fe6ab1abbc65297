// Command installer installs tabtap from this checkout: it builds the host
// binary, registers it with the Chromium-family browsers of this user,
// writes it into the MCP clients asked for, and prints what is left to do.
//
//	go run ./installer [--browser NAME]... [--user-data-dir DIR]... [--bin-dir DIR]
//	                   [--extension-id ID]... [--client NAME|all]...
//	                   [--check | --uninstall | --pack-extension OUT.zip]
//
// It is a thin front: the work is done by package install and the packages
// under it, which the tabtap binary runs too.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/tabtap/tabtap/host/install"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := install.Run(ctx, nativehost.Env{}, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
