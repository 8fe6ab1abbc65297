// Command installer builds the tabtap host, registers it with the
// Chromium-family browsers of this user and prints what is left to do.
//
//	go run ./installer [--browser NAME]... [--user-data-dir DIR]... [--bin-dir DIR]
//	                   [--extension-id ID]... [--check | --uninstall]
//
// The work is done by package nativehost; this file reads the flags and
// talks to the person.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/tabtap/tabtap/installer/nativehost"
)

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1
	exitBadFlags = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// config is what the flags ask for.
type config struct {
	opts      nativehost.Options
	check     bool
	uninstall bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		usage(stdout)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "installer: %v\nRun go run ./installer -h for help.\n", err)
		return exitBadFlags
	}
	cfg.opts.Out = stdout

	switch {
	case cfg.check:
		report, err := nativehost.Check(ctx, cfg.opts)
		if err != nil {
			fmt.Fprintf(stderr, "installer: %v\n", err)
			return exitError
		}
		if err := report.Print(stdout); err != nil {
			return exitError
		}
		if !report.OK() {
			return exitError
		}
		return exitOK

	case cfg.uninstall:
		removal, err := nativehost.Uninstall(ctx, cfg.opts)
		if removal != nil {
			printUninstalled(stdout, removal)
		}
		if err != nil {
			fmt.Fprintf(stderr, "installer: %v\n", err)
			return exitError
		}
		return exitOK

	default:
		res, err := nativehost.Install(ctx, cfg.opts)
		if err != nil {
			fmt.Fprintf(stderr, "installer: %v\n", err)
			return exitError
		}
		printNextSteps(stdout, res, checkCommand(args))
		return exitOK
	}
}

func parseFlags(args []string) (config, error) {
	var cfg config
	var browsers, profiles, ids listFlag
	fs := flag.NewFlagSet("installer", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&browsers, "browser", "")
	fs.Var(&profiles, "user-data-dir", "")
	fs.StringVar(&cfg.opts.BinDir, "bin-dir", "", "")
	fs.Var(&ids, "extension-id", "")
	fs.BoolVar(&cfg.check, "check", false, "")
	fs.BoolVar(&cfg.uninstall, "uninstall", false, "")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.check && cfg.uninstall {
		return cfg, errors.New("--check and --uninstall go separately")
	}
	for _, name := range browsers {
		if _, ok := nativehost.LookupBrowser(name); !ok {
			return cfg, fmt.Errorf("unknown browser %q: use one of %s", name, strings.Join(nativehost.BrowserNames(), ", "))
		}
	}
	for _, id := range ids {
		if !nativehost.ValidExtensionID(id) {
			return cfg, fmt.Errorf("extension ID %q is not valid: an ID is 32 letters a to p", id)
		}
	}
	for _, dir := range profiles {
		if dir == "" {
			return cfg, errors.New("--user-data-dir needs a directory")
		}
	}
	cfg.opts.Browsers = browsers
	cfg.opts.UserDataDirs = profiles
	cfg.opts.ExtensionIDs = ids
	return cfg, nil
}

func usage(w io.Writer) {
	binDir, err := nativehost.DefaultBinDir(nativehost.Env{})
	if err != nil {
		binDir = "a per-user folder"
	}
	fmt.Fprintf(w, `Usage: go run ./installer [flags]

Builds the tabtap host into a stable per-user folder, copies the extension
beside it, registers the native-messaging host (%s) with every
Chromium-family browser found, and prints what is left to do.

Flags:
  --browser NAME        register with this browser only: %s
                        (repeatable; default: every one found)
  --user-data-dir DIR   register into the custom profile DIR, in
                        DIR/NativeMessagingHosts (repeatable)
  --bin-dir DIR         where the host binary goes (default %s)
  --extension-id ID     also allow the extension ID (repeatable)
  --check               diagnose the installation; exits 1 when it finds a problem
  --uninstall           remove the manifests, the binary and the extension copy
  -h, --help            show this help

Exit codes: 0 ok, 1 error (or a problem found by --check), 2 bad flags.
`, nativehost.HostName, strings.Join(nativehost.BrowserNames(), ", "), binDir)
}

// checkCommand is the --check command line for the same targets and
// locations as args.
func checkCommand(args []string) string {
	parts := []string{"go", "run", "./installer", "--check"}
	for _, a := range args {
		parts = append(parts, nativehost.QuoteArg(nativehost.Env{}, a))
	}
	return strings.Join(parts, " ")
}

func printUninstalled(w io.Writer, r *nativehost.Removal) {
	if len(r.Removed) == 0 && len(r.Kept) == 0 {
		fmt.Fprintln(w, "Nothing to remove: tabtap is not installed here.")
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Left for you: remove the tabtap extension at chrome://extensions, and the")
	fmt.Fprintln(w, "tabtap entry from your MCP clients' configuration.")
}
