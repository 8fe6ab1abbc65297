package install

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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

// Mode is what a run does.
type Mode int

const (
	// Install installs (or upgrades) and configures the clients asked for.
	Install Mode = iota
	// Uninstall removes what Install wrote.
	Uninstall
	// Check diagnoses the installation and changes nothing.
	Check
	// Pack writes the extension's store zip (the installer's
	// --pack-extension).
	Pack
)

// Front is how a person reaches the installer: the command they type,
// which the messages quote back, and the binary an install puts in place.
type Front struct {
	// Command is what runs the installer before its mode: "go run
	// ./installer", or the tabtap binary. It is given the path the binary
	// is installed at ("" before that is known).
	Command func(installed string) string
	// ModeFlags is true when the mode is a flag (the installer's --check,
	// --uninstall, --pack-extension), false when it is a word before the
	// flags (tabtap install, tabtap doctor, tabtap uninstall).
	ModeFlags bool
	// Binary returns the host binary to install, its tabtap version ("":
	// the extension's own), and what to call once it is installed. Only
	// an install calls it.
	Binary func(ctx context.Context, stdout io.Writer) (path, version string, done func(), err error)
	// BinDir, when set, gives the bin dir a check or an uninstall looks
	// at when --bin-dir is not given ("" for the default one).
	BinDir func() string
	// Version is the version of the program running, which a check prints
	// first; "" prints none.
	Version string
}

// words is the command line of mode m, before its flags.
func (f Front) words(m Mode, installed string) string {
	cmd := f.Command(installed)
	if f.ModeFlags {
		switch m {
		case Uninstall:
			return cmd + " --uninstall"
		case Check:
			return cmd + " --check"
		}
		return cmd
	}
	switch m {
	case Uninstall:
		return cmd + " uninstall"
	case Check:
		return cmd + " doctor"
	}
	return cmd + " install"
}

// config is what the flags ask for.
type config struct {
	mode Mode
	opts doctor.Options
	pack string // --pack-extension OUT.zip
}

// Run runs the installer in mode (ignored with f.ModeFlags, where the flags
// choose) on the machine env, with the command-line args. It returns the
// exit code: 0 ok, 1 an error (or a problem found by a check), 2 bad flags.
func Run(ctx context.Context, f Front, mode Mode, env nativehost.Env, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(f, mode, env, args)
	name := f.words(cfg.mode, "")
	if errors.Is(err, flag.ErrHelp) {
		usage(stdout, f, cfg.mode)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\nRun %s -h for help.\n", name, err, name)
		return exitBadFlags
	}
	if cfg.mode != Install && cfg.opts.Host.BinDir == "" && f.BinDir != nil {
		cfg.opts.Host.BinDir = f.BinDir()
	}
	binary, err := nativehost.BinaryPath(cfg.opts.Host)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitError
	}
	cfg.opts.Host.Out = stdout
	cfg.opts.Host.InstallCommand = f.words(Install, binary)
	switch cfg.mode {
	case Pack:
		return packExtension(f, binary, cfg.pack, stdout, stderr)
	case Check:
		return check(ctx, f, cfg, stdout, stderr)
	case Uninstall:
		return uninstall(ctx, env, f, cfg, binary, stdout, stderr)
	default:
		return install(ctx, env, f, cfg, args, stdout, stderr)
	}
}

func parseFlags(f Front, mode Mode, env nativehost.Env, args []string) (config, error) {
	cfg := config{mode: mode}
	var flags doctor.Flags
	fs := flag.NewFlagSet("installer", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	flags.Register(fs)
	var checkFlag, uninstallFlag bool
	if f.ModeFlags {
		cfg.mode = Install
		fs.BoolVar(&checkFlag, "check", false, "")
		fs.BoolVar(&uninstallFlag, "uninstall", false, "")
		fs.StringVar(&cfg.pack, "pack-extension", "", "")
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	modes := 0
	for m, on := range map[Mode]bool{Check: checkFlag, Uninstall: uninstallFlag, Pack: cfg.pack != ""} {
		if on {
			cfg.mode = m
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

func usage(w io.Writer, f Front, mode Mode) {
	binDir, err := nativehost.DefaultBinDir(nativehost.Env{})
	if err != nil {
		binDir = "a per-user folder"
	}
	name := f.words(mode, "")
	if f.ModeFlags {
		fmt.Fprintf(w, `Usage: %s [flags]

Builds the tabtap host from this checkout into a stable per-user folder,
writes the extension beside it, registers the native-messaging host (%s)
with every Chromium-family browser found, writes tabtap into the MCP
clients named with --client, and prints what is left to do.

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
`, name, nativehost.HostName, doctor.Usage(binDir, true))
		return
	}
	what := map[Mode]string{
		Install: `Copies this tabtap binary into a stable per-user folder (replacing an older
one, even while the browser runs it), writes the extension it carries beside
it, registers the native-messaging host (` + nativehost.HostName + `) with every Chromium-family
browser found, writes tabtap into the MCP clients named with --client, and
prints what is left to do. No Go toolchain is needed.`,
		Uninstall: `Removes the manifests, the binary, the extension copy and the clients'
tabtap entries (only --client NAME ones when given).`,
		Check: `Checks the installation, the MCP clients' configuration and, with a browser
connected, one list_tabs call. Exits 1 when it finds a problem.`,
	}[mode]
	fmt.Fprintf(w, "Usage: %s [flags]\n\n%s\n\nFlags:\n%s  -h, --help            show this help\n", name, what, doctor.Usage(binDir, mode == Install))
}

// check is the diagnosis, printed.
func check(ctx context.Context, f Front, cfg config, stdout, stderr io.Writer) int {
	report, err := doctor.Check(ctx, cfg.opts)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", f.words(Check, ""), err)
		return exitError
	}
	if f.Version != "" {
		fmt.Fprintf(stdout, "tabtap %s\n", f.Version)
	}
	if err := report.Print(stdout); err != nil || !report.OK() {
		return exitError
	}
	return exitOK
}

// install puts the binary in place and registers the host, then writes the
// clients asked for.
func install(ctx context.Context, env nativehost.Env, f Front, cfg config, args []string, stdout, stderr io.Writer) int {
	name := f.words(Install, "")
	asked, err := doctor.ResolveClients(env, cfg.opts.Clients)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitBadFlags
	}
	bin, version, done, err := f.Binary(ctx, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitError
	}
	defer done()
	cfg.opts.Host.Binary, cfg.opts.Host.Version = bin, version
	res, err := nativehost.Install(ctx, cfg.opts.Host)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitError
	}
	out := configureClients(env, asked, res.BinaryPath, stdout)
	out.asked = len(cfg.opts.Clients) > 0
	printNextSteps(stdout, env, f, res, out, checkCommand(env, f, res.BinaryPath, args))
	if len(out.failed) > 0 {
		return exitError
	}
	return exitOK
}

// configureClients writes tabtap into the clients asked for, and sorts the
// others found into those already starting binary and those not.
func configureClients(env nativehost.Env, asked []clients.Client, binary string, stdout io.Writer) clientOutcome {
	var out clientOutcome
	for _, c := range asked {
		ch, err := clients.Configure(env, c, binary)
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
		if st := clients.Inspect(env, c); st.Entry != nil && c.Problem(env, st.Entry, binary) == "" {
			out.already = append(out.already, c)
		} else {
			out.notAsked = append(out.notAsked, c)
		}
	}
	return out
}

// uninstall takes tabtap out of the clients (every client, or those named)
// and then removes what Install wrote for the browsers.
func uninstall(ctx context.Context, env nativehost.Env, f Front, cfg config, binary string, stdout, stderr io.Writer) int {
	name := f.words(Uninstall, "")
	targets := clients.All()
	if len(cfg.opts.Clients) > 0 {
		var err error
		if targets, err = doctor.ResolveClients(env, cfg.opts.Clients); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return exitBadFlags
		}
	}
	kept, failed := removeFromClients(env, targets, binary, len(cfg.opts.Clients) > 0, name, stdout, stderr)
	code := exitOK
	if failed {
		code = exitError
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
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitError
	}
	return code
}

// removeFromClients takes tabtap's entry starting binary out of the
// clients' files, saying what it did. named is true when the clients were
// named with --client: then a file that cannot be read fails the run.
func removeFromClients(env nativehost.Env, targets []clients.Client, binary string, named bool, name string, stdout, stderr io.Writer) (kept []clients.Change, failed bool) {
	for _, c := range targets {
		ch, err := clients.Remove(env, c, binary)
		switch {
		case err != nil && !named:
			// Not asked for by name: a file that cannot be read is the
			// person's to look at, not a failed uninstall.
			fmt.Fprintf(stdout, "left %s alone: %v\n", c.Title, err)
		case err != nil:
			fmt.Fprintf(stderr, "%s: %s: %v\n", name, c.Title, err)
			failed = true
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
	return kept, failed
}

// packExtension writes the store upload of the extension this program
// carries.
func packExtension(f Front, binary, out string, stdout, stderr io.Writer) int {
	p, err := nativehost.PackExtension(nativehost.ExtensionFiles(), out, "")
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", f.Command(""), err)
		return exitError
	}
	printPack(stdout, p, f.words(Install, binary))
	return exitOK
}

// checkCommand is the check's command line for the same targets,
// locations and clients as args (the mode flags left out).
func checkCommand(env nativehost.Env, f Front, installed string, args []string) string {
	parts := []string{f.words(Check, installed)}
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
