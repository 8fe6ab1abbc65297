// Command tabtap is tabtap's one binary. Started by the browser (its first
// argument is the extension's origin, chrome-extension://…/) it is the
// daemon that holds the captures of that browser profile. `tabtap mcp` is
// the MCP server an MCP client starts; it talks to the daemons. `tabtap
// install` installs the binary itself and the extension it carries (no Go
// toolchain needed), `tabtap doctor` checks that, `tabtap uninstall`
// removes it.
//
//	go install github.com/tabtap/tabtap/host/cmd/tabtap@latest
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/tabtap/tabtap/host/daemon"
	"github.com/tabtap/tabtap/host/install"
	"github.com/tabtap/tabtap/host/mcplink"
	"github.com/tabtap/tabtap/host/tools"
)

const usage = `tabtap captures the network traffic of your browser tabs for MCP clients.

Usage:
  tabtap install [--client NAME|all] [--browser NAME] [--user-data-dir DIR] [--bin-dir DIR] [--extension-id ID]
        install this binary and the extension it carries for your browsers
        (or upgrade an older install, even while the browser runs) and
        write tabtap into the MCP clients named; no Go toolchain needed
  tabtap uninstall  remove all that again
  tabtap doctor     check the installation, the MCP clients' configuration and a live list_tabs
  tabtap mcp [--http 127.0.0.1:PORT [--token-file FILE]]
        serve the MCP tools on stdio (or on Streamable HTTP, bearer-token
        protected: the token comes from FILE, or $TABTAP_HTTP_TOKEN, else a
        random one is printed on stderr)
  tabtap status     list the browsers (daemons) tabtap can reach
  tabtap version    print the version and commit

Each command takes -h. Once the extension is loaded, the browser starts
tabtap by itself as a native messaging host.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) > 0 && strings.HasPrefix(args[0], "chrome-extension://") {
		return runDaemon(ctx, args[0], stdin, stdout, stderr)
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "mcp":
		return runMCP(ctx, args[1:], stderr)
	case "status":
		return runStatus(ctx, stdout, stderr)
	case "install":
		return runInstall(ctx, install.Install, args[1:], stdout, stderr)
	case "uninstall":
		return runInstall(ctx, install.Uninstall, args[1:], stdout, stderr)
	case "doctor":
		return runInstall(ctx, install.Check, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, versionLine())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "tabtap: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// logger writes to stderr and, for the daemon whose stderr nobody reads,
// to a log file in the runtime directory that starts anew past 5 MB
// (maxLogBytes), keeping the previous one as file.1.
func logger(stderr io.Writer, file string) (*slog.Logger, func()) {
	level := slog.LevelInfo
	if os.Getenv("TABTAP_LOG") == "debug" {
		level = slog.LevelDebug
	}
	w := stderr
	done := func() {}
	if file != "" {
		if f, err := openLog(file, maxLogBytes); err == nil {
			w = io.MultiWriter(stderr, f)
			done = func() { f.Close() }
		} else {
			fmt.Fprintln(stderr, "tabtap:", err)
		}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), done
}

// daemonGCPercent is the daemon's GOGC unless the environment sets one.
// The daemon holds captures of up to hundreds of MB for hours while the
// person browses: a heap that may grow to 1.5 times what it holds, not
// twice, keeps it lean for a little more collection work, most of which
// its pointer-free frame store spares.
const daemonGCPercent = 50

// daemonProcs is how many processors the daemon's Go code runs on at once
// unless GOMAXPROCS says otherwise. Its work is one stream of events at a
// time: more would mostly let the garbage collector's idle workers take
// whole cores from the browser, which the page under capture needs (at
// ten times the load page on two cores, 1.16-1.22 times the floor
// extension's page time with two, 1.09-1.10 with one).
const daemonProcs = 1

// tuneRuntime sets the daemon's GOGC and GOMAXPROCS.
func tuneRuntime() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(daemonGCPercent)
	}
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(daemonProcs)
	}
}

func runDaemon(ctx context.Context, origin string, stdin io.Reader, stdout, stderr io.Writer) int {
	dir := mcplink.RuntimeDir()
	if err := mcplink.EnsureRuntimeDir(dir); err != nil {
		fmt.Fprintln(stderr, "tabtap:", err)
		return 1
	}
	log, closeLog := logger(stderr, filepath.Join(dir, "daemon.log"))
	defer closeLog()
	// Once the browser closes the port, writing to stdout must fail with an
	// error, not kill the daemon before it has put its captures away.
	signal.Ignore(syscall.SIGPIPE)
	log.Info("daemon starting", "origin", origin, "pid", os.Getpid(), "version", version, "commit", commit)
	removeAsides()
	tuneRuntime()
	defer profile(log)()
	opts := daemon.Options{RuntimeDir: dir, Version: version, Log: log}
	if path := os.Getenv("TABTAP_RECORD"); path != "" {
		// Every DevTools event of captured tabs, for a bug report.
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			log.Error("TABTAP_RECORD", "err", err)
		} else {
			defer f.Close()
			opts.Record = f
			log.Info("recording DevTools events", "file", path)
		}
	}
	err := daemon.Run(ctx, stdin, stdout, opts)
	if err != nil && !errors.Is(err, context.Canceled) {
		log.Error("daemon stopped", "err", err)
		return 1
	}
	log.Info("daemon stopped")
	return 0
}

func runMCP(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("tabtap mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("http", "", "serve Streamable HTTP on this loopback address (e.g. 127.0.0.1:8765) instead of stdio")
	tokenFile := fs.String("token-file", "", "file (mode 0600) holding the bearer token HTTP clients must present (default: $"+envHTTPToken+", else a random one printed on stderr)")
	argvToken := fs.String("token", "", "refused: use --token-file or $"+envHTTPToken)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *argvToken != "" {
		fmt.Fprintf(stderr, "tabtap mcp: --token is refused: every local user can read a command line (ps). Put the token in a file only you can read and pass --token-file FILE, or set %s in the environment\n", envHTTPToken)
		return 2
	}
	token, err := httpToken(*tokenFile, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "tabtap mcp:", err)
		return 2
	}
	log, closeLog := logger(stderr, "")
	defer closeLog()
	pool := mcplink.NewPool(mcplink.RuntimeDir())
	defer pool.Close()
	backend := tools.PoolBackend{Pool: pool}
	srv := tools.NewServer(backend, version)
	go tools.WatchCaptures(ctx, srv, backend, 2*time.Second)
	if *addr != "" {
		return serveHTTP(ctx, srv, *addr, token, log, stderr)
	}
	if err := serveStdio(ctx, srv, os.Stdin, os.Stdout); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("mcp server stopped", "err", err)
		return 1
	}
	return 0
}

func runStatus(ctx context.Context, stdout, stderr io.Writer) int {
	dir := mcplink.RuntimeDir()
	pool := mcplink.NewPool(dir)
	defer pool.Close()
	ds, failed, err := pool.Daemons(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "tabtap:", err)
		return 1
	}
	for _, f := range failed {
		fmt.Fprintf(stdout, "unreachable: %v\n", f)
	}
	if len(ds) == 0 {
		fmt.Fprintf(stdout, "No browser is connected (runtime directory %s).\nOpen the browser with the tabtap extension loaded; `tabtap doctor` diagnoses the setup.\n", dir)
		return 1
	}
	for _, d := range ds {
		r := d.Registration()
		fmt.Fprintf(stdout, "%s\tpid %d\tsince %s\t%s\n", r.Browser, r.PID, r.StartedAt.Local().Format("2006-01-02 15:04:05"), r.Socket)
	}
	return 0
}
