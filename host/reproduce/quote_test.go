package reproduce

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// quoteSamples are strings of every kind of character the quoting must
// carry: shell, JavaScript and Python specials, controls, line ends of
// each language, non-ASCII, and random mixes of them.
func quoteSamples() []string {
	out := []string{"", "'", `"`, `\`, "$", "`", "$(id)", "${HOME}", "!", "\n", "\r\n", "\x00", "\x7f", "\u2028\u2029", "\ufeff", "é✓😀", "%s%n", "'\\''"}
	alphabet := []rune("ab '\"\\$`!{}()[]*?;|&<>~#%\n\r\t\x00\x01\x1b\x7f\u0085\u00a0\u2028\u2029\ufeffé😀")
	r := rand.New(rand.NewPCG(17, 17))
	for range 400 {
		var b strings.Builder
		for range r.IntN(20) {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		out = append(out, b.String())
	}
	return out
}

// TestQuotingRoundTrips gives every sample, quoted, to the real sh, node
// and python3, which print back its bytes: they must be the sample's.
func TestQuotingRoundTrips(t *testing.T) {
	samples := quoteSamples()
	dir := t.TempDir()
	var sh, js, py bytes.Buffer
	sh.WriteString("printf '%s\\0'")
	js.WriteString("for (const s of [\n")
	py.WriteString("import sys\nfor s in [\n")
	for _, s := range samples {
		if !strings.Contains(s, "\x00") { // no shell argument can hold a NUL
			sh.WriteString(" \\\n  " + shellQuote(s))
		}
		js.WriteString("  " + jsString(s) + ",\n")
		py.WriteString("    " + pyString(s) + ",\n")
	}
	sh.WriteString("\n")
	js.WriteString("]) console.log(Buffer.from(s, 'utf8').toString('hex'));\n")
	py.WriteString("]:\n    print(s.encode('utf-8', 'surrogatepass').hex())\n")
	for _, c := range []struct {
		tool, file string
		code       []byte
		skipNUL    bool
	}{{"sh", "q.sh", sh.Bytes(), true}, {"node", "q.js", js.Bytes(), false}, {"python3", "q.py", py.Bytes(), false}} {
		path := filepath.Join(dir, c.file)
		if err := os.WriteFile(path, c.code, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(c.tool, path).Output()
		if err != nil {
			t.Fatalf("%s: %v", c.tool, err)
		}
		var lines []string
		if c.skipNUL {
			// sh printed each string raw, ended by a NUL.
			for _, s := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
				lines = append(lines, hex.EncodeToString([]byte(s)))
			}
		} else {
			lines = strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		}
		i := 0
		for _, s := range samples {
			if c.skipNUL && strings.Contains(s, "\x00") {
				continue
			}
			if i >= len(lines) {
				t.Fatalf("%s printed %d strings, want more", c.tool, len(lines))
			}
			got, _ := hex.DecodeString(lines[i])
			i++
			if want := s; string(got) != want {
				t.Errorf("%s read %q back as %q", c.tool, want, got)
			}
		}
		if i != len(lines) {
			t.Errorf("%s printed %d strings, want %d", c.tool, len(lines), i)
		}
	}
	for _, s := range samples {
		if !utf8.ValidString(s) {
			t.Fatalf("sample %q is not UTF-8", s)
		}
	}
}
