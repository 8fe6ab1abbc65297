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
	p := &printer{w: w}
	p.line("")
	if n := r.ProblemCount(); n > 0 {
		p.line("%s found.", Plural(n, "problem"))
	} else {
		p.line("No problem found.")
	}
	return p.err
}

// PrintTargets writes the binary, the extension copy and each target with
// its problems, one line each with its fix.
func (r *Report) PrintTargets(w io.Writer) error {
	p := &printer{w: w}
	p.line("host binary     %s (%s)", r.BinaryPath, foundWord(r.BinaryFound))
	p.line("extension copy  %s (%s)", r.ExtensionDir, foundWord(r.ExtensionFound))
	for _, pr := range r.Problems {
		p.line("")
		p.problem(pr)
	}
	for _, t := range r.Targets {
		p.line("")
		if len(t.Problems) == 0 {
			p.line("%s: ok", t.Target.Label)
		} else {
			p.line("%s: %s", t.Target.Label, Plural(len(t.Problems), "problem"))
		}
		for _, m := range t.Manifests {
			p.line("  manifest %s", m)
		}
		for _, key := range t.Target.RegistryKeys {
			p.line("  registry %s", hostKey(key))
		}
		if t.HostPath != "" {
			p.line("  host     %s", t.HostPath)
		}
		for _, pr := range t.Problems {
			p.problem(pr)
		}
	}
	return p.err
}

// PrintDaemons writes the daemons registered in the runtime directory.
func (r *Report) PrintDaemons(w io.Writer) error {
	p := &printer{w: w}
	p.line("")
	if len(r.Daemons) == 0 {
		p.line("daemons: none running (runtime dir %s)", r.RuntimeDir)
		p.line("  the browser starts the host when the extension connects: open the browser with the")
		p.line("  extension loaded (or reload it at chrome://extensions) for MCP clients to reach it")
	} else {
		p.line("daemons: %d running (runtime dir %s)", len(r.Daemons), r.RuntimeDir)
		for _, d := range r.Daemons {
			p.line("  %s", d)
		}
	}
	return p.err
}

// PrintProblem writes pr as one indented line: what is wrong, then what
// fixes it.
func PrintProblem(w io.Writer, indent string, pr Problem) error {
	line := indent + "problem: " + pr.What
	if pr.Fix != "" {
		line += " — fix: " + pr.Fix
	}
	_, err := fmt.Fprintln(w, strings.ReplaceAll(line, "\n", " "))
	return err
}

// printer writes lines and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

func (p *printer) problem(pr Problem) {
	if p.err == nil {
		p.err = PrintProblem(p.w, "  ", pr)
	}
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
