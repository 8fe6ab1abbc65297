package nativehost

import (
	"fmt"
	"io"
	"strings"
)

// Print writes the report for a person: each target with its problems and
// the fix for each, the daemons found, and a last line saying whether
// anything needs doing.
func (r *Report) Print(w io.Writer) error {
	if err := r.PrintTargets(w); err != nil {
		return err
	}
	if err := r.PrintDaemons(w); err != nil {
		return err
	}
	p := &Printer{W: w}
	p.Line("")
	if n := r.ProblemCount(); n > 0 {
		p.Line("%s found.", Plural(n, "problem"))
	} else {
		p.Line("No problem found.")
	}
	return p.Err
}

// PrintTargets writes the binary, the extension copy and each target with
// its problems, one line each with its fix.
func (r *Report) PrintTargets(w io.Writer) error {
	p := &Printer{W: w}
	p.Line("host binary     %s (%s)", r.BinaryPath, foundWord(r.BinaryFound))
	p.Line("extension copy  %s (%s)", r.ExtensionDir, foundWord(r.ExtensionFound))
	for _, pr := range r.Problems {
		p.Line("")
		p.Problem("  ", pr)
	}
	for _, t := range r.Targets {
		p.Line("")
		if len(t.Problems) == 0 {
			p.Line("%s: ok", t.Target.Label)
		} else {
			p.Line("%s: %s", t.Target.Label, Plural(len(t.Problems), "problem"))
		}
		for _, m := range t.Manifests {
			p.Line("  manifest %s", m)
		}
		for _, key := range t.Target.RegistryKeys {
			p.Line("  registry %s", hostKey(key))
		}
		if t.HostPath != "" {
			p.Line("  host     %s", t.HostPath)
		}
		for _, pr := range t.Problems {
			p.Problem("  ", pr)
		}
	}
	return p.Err
}

// PrintDaemons writes the daemons registered in the runtime directory.
func (r *Report) PrintDaemons(w io.Writer) error {
	p := &Printer{W: w}
	p.Line("")
	if len(r.Daemons) == 0 {
		p.Line("daemons: none running (runtime dir %s)", r.RuntimeDir)
		p.Line("  the browser starts the host when the extension connects: open the browser with the")
		p.Line("  extension loaded (or reload it at chrome://extensions) for MCP clients to reach it")
	} else {
		p.Line("daemons: %d running (runtime dir %s)", len(r.Daemons), r.RuntimeDir)
		for _, d := range r.Daemons {
			p.Line("  %s", d)
		}
	}
	return p.Err
}

// Printer writes a report's lines and keeps the first error.
type Printer struct {
	W   io.Writer
	Err error
}

// Line writes one line.
func (p *Printer) Line(format string, args ...any) {
	if p.Err == nil {
		_, p.Err = fmt.Fprintf(p.W, format+"\n", args...)
	}
}

// Problem writes pr as one indented line: what is wrong, then what fixes
// it.
func (p *Printer) Problem(indent string, pr Problem) {
	line := indent + "problem: " + pr.What
	if pr.Fix != "" {
		line += " — fix: " + pr.Fix
	}
	p.Line("%s", strings.ReplaceAll(line, "\n", " "))
}

func foundWord(ok bool) string {
	if ok {
		return "found"
	}
	return "not found"
}

// Plural is "1 problem", "2 problems".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
