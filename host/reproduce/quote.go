package reproduce

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

func decodeBase64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// shellQuote quotes s for a POSIX shell: single quotes keep every byte as
// it is but the single quote itself, written '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// jsString quotes s as a JavaScript string literal: JSON's quoting (which
// also escapes U+2028 and U+2029, line ends to JavaScript), without the
// HTML escapes.
func jsString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return quoteJSON(s) // not reached: a string always encodes
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// pyString quotes s as a Python 3 string literal.
func pyString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		case c >= 0x80 && c < 0xa0, c == 0x2028, c == 0x2029, c == 0xfeff, c == utf8.RuneError:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// quoteJSON quotes s as a JSON string of printable ASCII only.
func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteRune(c)
		case c > 0xffff:
			r1, r2 := utf16Pair(c)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func utf16Pair(c rune) (rune, rune) {
	c -= 0x10000
	return 0xd800 + c>>10&0x3ff, 0xdc00 + c&0x3ff
}

// base64Text is raw as base64.
func base64Text(raw string) string { return base64.StdEncoding.EncodeToString([]byte(raw)) }

// base64Lines is raw as base64 in lines of 76 characters.
func base64Lines(raw string) []string {
	s := base64Text(raw)
	var lines []string
	for len(s) > 76 {
		lines = append(lines, s[:76])
		s = s[76:]
	}
	return append(lines, s)
}
