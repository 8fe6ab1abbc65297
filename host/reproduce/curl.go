package reproduce

import (
	"fmt"
	"strings"
)

// Bodies longer than this go to curl on its standard input: one argument
// may hold at most 128 KiB on Linux.
const maxArgBody = 64 << 10

// heredoc ends the here-documents that carry a body in base64, which no
// base64 line can equal.
const heredoc = "TABTAP_BODY"

// curl writes the request as a POSIX shell command.
func curl(r *request) string {
	var b strings.Builder
	if len(r.secrets) > 0 {
		writeSecretsComment(&b, "#", r.secrets)
		b.WriteString(":")
		for _, s := range r.secrets {
			fmt.Fprintf(&b, ` "${%s:?}"`, s.Name)
		}
		b.WriteString("\n")
	}
	args := []string{"curl " + shellWord(r.url)}
	stdin := ""
	hasBody := r.body != nil
	emptyBody := !hasBody && sendsEmptyBody(r.method)
	switch {
	case r.method == "HEAD":
		args = append(args, "--head")
	case r.method == "GET" && !hasBody, r.method == "POST" && (hasBody || emptyBody):
	default:
		args = append(args, "-X "+shellArg(r.method))
	}
	sawType := false
	for _, h := range r.headers {
		sawType = sawType || strings.EqualFold(h.name, "content-type")
		if len(h.value) == 1 && h.value[0].lit == "" && h.value[0].env == "" {
			args = append(args, "-H "+shellQuote(h.name+";")) // "Name:" would remove it
			continue
		}
		args = append(args, "-H "+shellWord(append(text{{lit: h.name + ": "}}, h.value...)))
	}
	if (hasBody || emptyBody) && !sawType {
		args = append(args, "-H "+shellQuote("Content-Type:")) // not curl's own
	}
	switch {
	case emptyBody:
		args = append(args, "--data-raw ''")
	case !hasBody:
	case r.body.file != "":
		args = append(args, "--data-binary "+shellQuote("@"+r.body.file))
	case !r.body.binary && len(r.body.data.literal()) <= maxArgBody && onlyLines(r.body.data, false):
		args = append(args, "--data-raw "+shellWord(r.body.data))
	case !r.body.binary && len(r.body.data.literal()) <= maxArgBody && onlyLines(r.body.data, true):
		stdin = crlfLines(r.body.data)
		args = append(args, "--data-binary @-")
	default:
		stdin = base64Group(r.body.data)
		args = append(args, "--data-binary @-")
	}
	if strings.ContainsAny(r.url.literal(), "[]{}") {
		args = append(args, "--globoff")
	}
	if r.compressed {
		args = append(args, "--compressed")
	}
	if stdin != "" {
		b.WriteString(stdin + " | ")
	}
	b.WriteString(strings.Join(args, " \\\n  "))
	b.WriteString("\n")
	return b.String()
}

// sendsEmptyBody reports whether a browser sends an empty body (and
// Content-Length: 0) with a method when it has none.
func sendsEmptyBody(method string) bool {
	return method == "POST" || method == "PUT" || method == "PATCH"
}

// writeSecretsComment lists the variables the code reads, in comments.
func writeSecretsComment(b *strings.Builder, comment string, secrets []Secret) {
	width := 0
	for _, s := range secrets {
		width = max(width, len(s.Name))
	}
	fmt.Fprintf(b, "%s Set the values tabtap hid before running this:\n", comment)
	for _, s := range secrets {
		fmt.Fprintf(b, "%s   %-*s  %s\n", comment, width, s.Name, s.Where)
	}
}

// shellArg quotes s unless it is letters, digits and hyphens only.
func shellArg(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return shellQuote(s)
		}
	}
	return s
}

// shellWord writes t as one shell word: its literals single-quoted, its
// secrets as double-quoted variables.
func shellWord(t text) string {
	var b strings.Builder
	lit := ""
	for _, p := range t {
		if p.env == "" {
			lit += p.lit
			continue
		}
		if lit != "" {
			b.WriteString(shellQuote(lit))
			lit = ""
		}
		b.WriteString(`"$` + p.env + `"`)
	}
	if lit != "" {
		b.WriteString(shellQuote(lit))
	}
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}

// onlyLines reports whether a text body's bytes are all printable, tabs
// and newlines, and with crlf carriage returns too where each begins a
// CRLF: what a shell script can hold in quotes and read back the same.
func onlyLines(t text, crlf bool) bool {
	s := t.literal()
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t' || c == '\n' || c >= 0x20 && c != 0x7f:
		case crlf && c == '\r' && i+1 < len(s) && s[i+1] == '\n':
		default:
			return false
		}
	}
	// A CRLF split by a secret (…\r then $X then \n…) is not a line end.
	for i, p := range t {
		if p.env != "" && i > 0 && strings.HasSuffix(t[i-1].lit, "\r") {
			return false
		}
	}
	return !crlf || strings.Contains(s, "\r\n")
}

// crlfLines writes a body of CRLF-ended lines with printf, one argument
// a line, so that the script holds no carriage return.
func crlfLines(t text) string {
	var lines []text
	var cur text
	for _, p := range t {
		if p.env != "" {
			cur = append(cur, p)
			continue
		}
		segs := strings.Split(p.lit, "\r\n")
		for i, s := range segs {
			if s != "" {
				cur = append(cur, part{lit: s})
			}
			if i < len(segs)-1 {
				lines = append(lines, cur)
				cur = nil
			}
		}
	}
	var b strings.Builder
	if len(cur) > 0 {
		b.WriteString("{ ")
	}
	b.WriteString(`printf '%s\r\n'`)
	for _, l := range lines {
		b.WriteString(" \\\n    " + shellWord(l))
	}
	if len(cur) > 0 {
		b.WriteString("\n  printf '%s' " + shellWord(cur) + "\n}")
	}
	return b.String()
}

// base64Group writes a body as a group of commands that print it: its
// bytes from base64 here-documents, its secrets from their variables.
func base64Group(t text) string {
	var b strings.Builder
	b.WriteString("{\n")
	for _, p := range t {
		if p.env != "" {
			fmt.Fprintf(&b, "  printf '%%s' \"$%s\"\n", p.env)
			continue
		}
		if p.lit == "" {
			continue
		}
		fmt.Fprintf(&b, "  base64 -d <<'%s'\n", heredoc)
		for _, l := range base64Lines(p.lit) {
			b.WriteString(l + "\n")
		}
		b.WriteString(heredoc + "\n")
	}
	b.WriteString("}")
	return b.String()
}
