// Package install is tabtap's installer as a person runs it: it reads the
// flags, installs the host for the Chromium-family browsers of this user,
// writes it into the MCP clients asked for, and prints what is left to do;
// or it checks or removes all that.
//
//	[--browser NAME]... [--user-data-dir DIR]... [--bin-dir DIR]
//	[--extension-id ID]... [--client NAME|all]...
//	[--check | --uninstall | --pack-extension OUT.zip]
//
// The work is done by packages nativehost (browsers), clients (MCP client
// configuration) and doctor (the check); this package reads the flags and
// talks to the person. The installer command and the tabtap binary are
// fronts of it.
package install

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tabtap/tabtap/host/install/clients"
	"github.com/tabtap/tabtap/host/install/doctor"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1
	exitBadFlags = 2
)

// config is what the flags ask for.
type config struct {
	opts      doctor.Options
	check     bool
	uninstall bool
	pack      string // --pack-extension OUT.zip
}

// Run is the installer on the machine env, with the command-line args; it
// returns the exit code: 0 ok, 1 an error (or a problem found by --check),
// 2 bad flags.
func Run(ctx context.Context, env nativehost.Env, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(env, args)
	if errors.Is(err, flag.ErrHelp) {
		usage(stdout)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "installer: %v\nRun go run ./installer -h for help.\n", err)
		return exitBadFlags
	}
	cfg.opts.Host.Out = stdout

	switch {
	case cfg.pack != "":
		return packExtension(cfg.pack, stdout, stderr)
	case cfg.check:
		report, err := doctor.Check(ctx, cfg.opts)
		if err != nil {
			fmt.Fprintf(stderr, "installer: %v\n", err)
			return exitError
		}
		if err := report.Print(stdout); err != nil || !report.OK() {
			return exitError
		}
		return exitOK
	case cfg.uninstall:
		return uninstall(ctx, env, cfg, stdout, stderr)
	default:
		return install(ctx, env, cfg, args, stdout, stderr)
	}
}

func parseFlags(env nativehost.Env, args []string) (config, error) {
	var cfg config
	var flags doctor.Flags
	fs := flag.NewFlagSet("installer", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	flags.Register(fs)
	fs.BoolVar(&cfg.check, "check", false, "")
	fs.BoolVar(&cfg.uninstall, "uninstall", false, "")
	fs.StringVar(&cfg.pack, "pack-extension", "", "")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	modes := 0
	for _, on := range []bool{cfg.check, cfg.uninstall, cfg.pack != ""} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return cfg, errors.New("--check, --uninstall and --pack-extension go separately")
	}
	if cfg.pack != "" && !strings.HasSuffix(strings.ToLower(cfg.pack), ".zip") {
		return cfg, fmt.Errorf("--pack-extension %q: name the zip to write, ending in .zip", cfg.pack)
	}
	var err error
	cfg.opts, err = flags.Options(env)
	return cfg, err
}

func usage(w io.Writer) {
	binDir, err := nativehost.DefaultBinDir(nativehost.Env{})
	if err != nil {
		binDir = "a per-user folder"
	}
	fmt.Fprintf(w, `Usage: go run ./installer [flags]

Builds the tabtap host into a stable per-user folder, copies the extension
beside it, registers the native-messaging host (%s) with every
Chromium-family browser found, writes tabtap into the MCP clients named
with --client, and prints what is left to do.

Flags:
%s  --check               diagnose the installation, the clients' configuration and,
                        with a browser connected, one list_tabs call; exits 1 on a problem
  --uninstall           remove the manifests, the binary, the extension copy and the
                        clients' tabtap entries (only --client NAME ones when given)
  --pack-extension OUT.zip
                        write the extension as a Chrome Web Store / Edge Add-ons upload
                        (no key, no tests) and stop
  -h, --help            show this help

Exit codes: 0 ok, 1 error (or a problem found by --check), 2 bad flags.
`, nativehost.HostName, doctor.Usage(binDir, true))
}

// install builds and registers the host, then writes the clients asked for.
func install(ctx context.Context, env nativehost.Env, cfg config, args []string, stdout, stderr io.Writer) int {
	res, err := nativehost.Install(ctx, cfg.opts.Host)
	if err != nil {
		fmt.Fprintf(stderr, "installer: %v\n", err)
		return exitError
	}
	asked, err := doctor.ResolveClients(env, cfg.opts.Clients)
	if err != nil {
		fmt.Fprintf(stderr, "installer: %v\n", err)
		return exitBadFlags
	}
	out := clientOutcome{asked: len(cfg.opts.Clients) > 0}
	for _, c := range asked {
		ch, err := clients.Configure(env, c, res.BinaryPath)
		if err != nil {
			out.failed = append(out.failed, clientFailure{c, err})
			fmt.Fprintf(stdout, "could not write %s: %v\n", c.Title, err)
			continue
		}
		out.changes = append(out.changes, ch)
		switch ch.Action {
		case clients.Unchanged:
			fmt.Fprintf(stdout, "%s already starts tabtap: %s\n", c.Title, ch.Path)
		default:
			fmt.Fprintf(stdout, "%s tabtap for %s: %s\n", ch.Action, c.Title, ch.Path)
			if ch.Backup != "" {
				fmt.Fprintf(stdout, "  previous content kept in %s\n", ch.Backup)
			}
		}
	}
	for _, c := range clients.Found(env) {
		if containsClient(asked, c) {
			continue
		}
		if st := clients.Inspect(env, c); st.Entry != nil && c.Problem(env, st.Entry, res.BinaryPath) == "" {
			out.already = append(out.already, c)
		} else {
			out.notAsked = append(out.notAsked, c)
		}
	}
	printNextSteps(stdout, env, res, out, checkCommand(env, args))
	if len(out.failed) > 0 {
		return exitError
	}
	return exitOK
}

// uninstall takes tabtap out of the clients (every client, or those named)
// and then removes what Install wrote for the browsers.
func uninstall(ctx context.Context, env nativehost.Env, cfg config, stdout, stderr io.Writer) int {
	binary, err := nativehost.BinaryPath(cfg.opts.Host)
	if err != nil {
		fmt.Fprintf(stderr, "installer: %v\n", err)
		return exitError
	}
	targets := clients.All()
	if len(cfg.opts.Clients) > 0 {
		if targets, err = doctor.ResolveClients(env, cfg.opts.Clients); err != nil {
			fmt.Fprintf(stderr, "installer: %v\n", err)
			return exitBadFlags
		}
	}
	code := exitOK
	var kept []clients.Change
	for _, c := range targets {
		ch, err := clients.Remove(env, c, binary)
		switch {
		case err != nil && len(cfg.opts.Clients) == 0:
			// Not asked for by name: a file that cannot be read is the
			// person's to look at, not a failed uninstall.
			fmt.Fprintf(stdout, "left %s alone: %v\n", c.Title, err)
		case err != nil:
			fmt.Fprintf(stderr, "installer: %s: %v\n", c.Title, err)
			code = exitError
		case ch.Action == clients.Kept:
			kept = append(kept, ch)
			fmt.Fprintf(stdout, "kept %s's entry in %s: %s\n", c.Title, ch.Path, ch.Note)
		case ch.Action == clients.Restored:
			fmt.Fprintf(stdout, "restored %s as it was before the install (from %s)\n", ch.Path, ch.From)
		case ch.Action == clients.Deleted:
			fmt.Fprintf(stdout, "removed %s (it held only tabtap)\n", ch.Path)
		case ch.Action == clients.Removed:
			fmt.Fprintf(stdout, "removed tabtap from %s\n", ch.Path)
		}
		if ch.Backup != "" {
			fmt.Fprintf(stdout, "  previous content kept in %s\n", ch.Backup)
		}
	}
	removal, err := nativehost.Uninstall(ctx, cfg.opts.Host)
	if removal != nil {
		if len(removal.Removed) == 0 && len(removal.Kept) == 0 {
			fmt.Fprintln(stdout, "No host registration to remove: tabtap is not installed for these browsers.")
		}
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Left for you: remove the tabtap extension at chrome://extensions.")
		if len(kept) > 0 {
			fmt.Fprintln(stdout, "The entries kept above start another tabtap binary; remove them by hand if you no longer use it.")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "installer: %v\n", err)
		return exitError
	}
	return code
}

// packExtension writes the store upload of the checkout's extension.
func packExtension(out string, stdout, stderr io.Writer) int {
	wd, err := os.Getwd()
	if err == nil {
		var root string
		if root, err = nativehost.FindModuleRoot(wd); err == nil {
			var p *nativehost.Pack
			if p, err = nativehost.PackExtension(nativehost.ExtensionSourceDir(root), out); err == nil {
				printPack(stdout, p)
				return exitOK
			}
		}
	}
	fmt.Fprintf(stderr, "installer: %v\n", err)
	return exitError
}

// checkCommand is the --check command line for the same targets,
// locations and clients as args.
func checkCommand(env nativehost.Env, args []string) string {
	parts := []string{"go", "run", "./installer", "--check"}
	for _, a := range args {
		parts = append(parts, nativehost.QuoteArg(env, a))
	}
	return strings.Join(parts, " ")
}

func containsClient(list []clients.Client, c clients.Client) bool {
	for _, o := range list {
		if o.Name == c.Name {
			return true
		}
	}
	return false
}
