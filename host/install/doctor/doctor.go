// Package doctor is the installation check that `go run ./installer
// --check` and the installed binary's `tabtap doctor` both run: the host
// binary, the extension copy and every browser's registration (package
// nativehost), each MCP client's configuration (package clients) and, when a
// browser is connected, one real list_tabs through `tabtap mcp`, the way an
// MCP client would call it.
//
// Every problem comes with what fixes it, as a command when there is one.
// It changes nothing.
package doctor

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/install/clients"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// Options say what to check.
type Options struct {
	// Host chooses the browsers, profiles, bin dir and extension IDs, as
	// for the installer; Host.Env is the machine.
	Host nativehost.Options
	// Clients names the clients that must be configured ("all": every
	// client found). A client not named is reported, and a problem only
	// when its entry is wrong or its file unreadable.
	Clients []string
	// NoProbe skips the list_tabs call through `tabtap mcp`.
	NoProbe bool
	// ProbeTimeout bounds that call; zero means 20 s.
	ProbeTimeout time.Duration
}

// Report is what Check found.
type Report struct {
	// Host is the check of the binary, extension copy, registrations and
	// daemons.
	Host *nativehost.Report
	// Clients holds one entry per client found or configured.
	Clients []ClientReport
	// Unconfigured notes, when no client is configured for tabtap, what to
	// do about it. It is not a problem: a client the installer does not
	// know may be using tabtap.
	Unconfigured string
	// Probe is the list_tabs call, nil when none was made.
	Probe *Probe
	// Problems are the findings about clients asked for that are not found
	// and about the list_tabs call.
	Problems []nativehost.Problem
}

// ClientReport is what Check found for one client.
type ClientReport struct {
	clients.Status
	// Asked is true when the client was named in Options.Clients.
	Asked bool
	// Problems are what keeps the client from starting tabtap.
	Problems []nativehost.Problem
	// Command is the installer command that writes tabtap into it.
	Command string
}

// Check runs the whole check. Problems found are in the report; the error
// is for failures to look at all (bad options).
func Check(ctx context.Context, opts Options) (*Report, error) {
	env, err := opts.Host.Env.Resolve()
	if err != nil {
		return nil, err
	}
	asked, err := ResolveClients(env, opts.Clients)
	if err != nil {
		return nil, err
	}
	host, err := nativehost.Check(ctx, opts.Host)
	if err != nil {
		return nil, err
	}
	r := &Report{Host: host}
	configured := 0
	for _, c := range clients.All() {
		isAsked := slices.ContainsFunc(asked, func(a clients.Client) bool { return a.Name == c.Name })
		st := clients.Inspect(env, c)
		if !st.Found && st.Entry == nil && st.Err == nil && !isAsked {
			continue
		}
		fix := ClientCommand(env, opts.Host, c)
		cr := ClientReport{Status: st, Asked: isAsked, Command: fix}
		switch {
		case st.Err != nil:
			cr.Problems = append(cr.Problems, nativehost.Problem{What: st.Err.Error(), Fix: "correct " + st.Path + " (the client cannot read it either), then run " + fix})
		case st.Entry == nil && isAsked:
			cr.Problems = append(cr.Problems, nativehost.Problem{What: "tabtap is not in " + st.Path, Fix: fix})
		case st.Entry != nil:
			configured++
			if p := c.Problem(env, st.Entry, host.BinaryPath); p != "" {
				cr.Problems = append(cr.Problems, nativehost.Problem{What: st.Path + ": " + p, Fix: fix})
			}
		}
		r.Clients = append(r.Clients, cr)
	}
	if configured == 0 {
		r.Unconfigured = "no MCP client the installer knows starts tabtap; add it: " + ClientCommand(env, opts.Host, clients.Client{Name: "all"}) +
			", or give your client the command " + nativehost.QuoteArg(env, host.BinaryPath) + " mcp (docs/clients.md)"
	}

	if !opts.NoProbe && host.BinaryFound && len(host.Daemons) > 0 {
		timeout := opts.ProbeTimeout
		if timeout <= 0 {
			timeout = 20 * time.Second
		}
		r.Probe = probe(ctx, host.BinaryPath, host.RuntimeDir, timeout)
		if r.Probe.Err != nil {
			r.Problems = append(r.Problems, nativehost.Problem{
				What: "list_tabs through tabtap mcp failed: " + r.Probe.Err.Error(),
				Fix:  "reload the tabtap extension at chrome://extensions, then check again; the daemon's log is " + filepath.Join(host.RuntimeDir, "daemon.log"),
			})
		}
		for _, u := range r.Probe.Unreachable {
			r.Problems = append(r.Problems, nativehost.Problem{
				What: "a registered browser did not answer list_tabs: " + u,
				Fix:  "reload the tabtap extension in that browser at chrome://extensions; the daemon's log is " + filepath.Join(host.RuntimeDir, "daemon.log"),
			})
		}
	}
	return r, nil
}

// ResolveClients turns client names into clients, each once; "all" is
// every client found on the machine env describes.
func ResolveClients(env nativehost.Env, names []string) ([]clients.Client, error) {
	var out []clients.Client
	add := func(c clients.Client) {
		if !slices.ContainsFunc(out, func(o clients.Client) bool { return o.Name == c.Name }) {
			out = append(out, c)
		}
	}
	for _, name := range names {
		if strings.EqualFold(strings.TrimSpace(name), "all") {
			for _, c := range clients.Found(env) {
				add(c)
			}
			continue
		}
		c, ok := clients.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("unknown client %q: use one of %s, or all", name, strings.Join(clients.Names(), ", "))
		}
		add(c)
	}
	return out, nil
}

// ClientCommand is the installer command line that writes tabtap into c
// (c.Name "all": into every client found) with the bin dir of opts.
func ClientCommand(env nativehost.Env, opts nativehost.Options, c clients.Client) string {
	args := []string{opts.Installer(), "--client", c.Name}
	if opts.BinDir != "" {
		args = append(args, "--bin-dir", nativehost.QuoteArg(env, opts.BinDir))
	}
	return strings.Join(args, " ")
}

// OK tells whether the check found no problem.
func (r *Report) OK() bool { return r.ProblemCount() == 0 }

// ProblemCount is the number of problems found.
func (r *Report) ProblemCount() int {
	n := r.Host.ProblemCount() + len(r.Problems)
	for _, c := range r.Clients {
		n += len(c.Problems)
	}
	return n
}

// Print writes the report for a person, each problem on one line with its
// fix, and a last line saying whether anything needs doing.
func (r *Report) Print(w io.Writer) error {
	if err := r.Host.PrintTargets(w); err != nil {
		return err
	}
	if err := r.Host.PrintDaemons(w); err != nil {
		return err
	}
	p := &nativehost.Printer{W: w}
	switch {
	case r.Probe != nil && r.Probe.Err == nil:
		p.Line("  list_tabs through tabtap mcp: %s", r.Probe.Summary())
	case r.Probe == nil && len(r.Host.Daemons) > 0 && !r.Host.BinaryFound:
		p.Line("  list_tabs through tabtap mcp: not tried, the host binary is missing")
	}
	for _, pr := range r.Problems {
		p.Problem("  ", pr)
	}
	p.Line("")
	p.Line("MCP clients:")
	if len(r.Clients) == 0 {
		p.Line("  none found (looked for %s)", titles())
	}
	for _, c := range r.Clients {
		p.Line("  %s", c.summary())
		for _, pr := range c.Problems {
			p.Problem("    ", pr)
		}
	}
	if r.Unconfigured != "" {
		p.Line("  note: %s", r.Unconfigured)
	}
	p.Line("")
	if n := r.ProblemCount(); n > 0 {
		p.Line("%s found.", nativehost.Plural(n, "problem"))
	} else {
		p.Line("No problem found.")
	}
	return p.Err
}

// summary is the client's line: its name, its state and its file.
func (c ClientReport) summary() string {
	switch {
	case len(c.Problems) > 0:
		return fmt.Sprintf("%s: %s (%s)", c.Client.Title, nativehost.Plural(len(c.Problems), "problem"), c.Path)
	case c.Entry != nil:
		return fmt.Sprintf("%s: ok, %s starts %s %s", c.Client.Title, c.Path, c.Entry.Command, strings.Join(c.Entry.Args, " "))
	case c.Exists:
		return fmt.Sprintf("%s: tabtap not configured in %s (add it: %s)", c.Client.Title, c.Path, c.Command)
	default:
		return fmt.Sprintf("%s: found, no %s yet (add tabtap: %s)", c.Client.Title, c.Path, c.Command)
	}
}

func titles() string {
	var t []string
	for _, c := range clients.All() {
		t = append(t, c.Title)
	}
	return strings.Join(t, ", ")
}
