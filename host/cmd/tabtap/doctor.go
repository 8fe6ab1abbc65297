package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tabtap/tabtap/host/install/doctor"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// runDoctor is `tabtap doctor`: the installer's --check, run by the
// installed binary itself. Without --bin-dir it checks the installation
// this binary belongs to.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var flags doctor.Flags
	fs := flag.NewFlagSet("tabtap doctor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	flags.Register(fs)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "Usage: tabtap doctor [flags]\n\nChecks the installation, the MCP clients' configuration and, with a browser\nconnected, one list_tabs call. Exits 1 when it finds a problem.\n\nFlags:\n%s", doctor.Usage("the folder of this binary", false))
		return 0
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(stderr, "tabtap doctor: %v\n", err)
		return 2
	}
	opts, err := flags.Options(nativehost.Env{})
	if err != nil {
		fmt.Fprintf(stderr, "tabtap doctor: %v\n", err)
		return 2
	}
	if opts.Host.BinDir == "" {
		opts.Host.BinDir = ownBinDir()
	}
	report, err := doctor.Check(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "tabtap doctor: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "tabtap %s\n", version)
	if err := report.Print(stdout); err != nil || !report.OK() {
		return 1
	}
	return 0
}

// ownBinDir is the folder of this binary when it is not the default bin
// dir (empty when it is, so the default layout applies).
func ownBinDir() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	dir := filepath.Dir(exe)
	def, err := nativehost.DefaultBinDir(nativehost.Env{})
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(def); err == nil {
		def = real
	}
	if dir == def {
		return ""
	}
	return dir
}
