package shape

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Size is the length of v's JSON as a client receives it (encoding/json,
// with its HTML escaping: an "&" in a URL costs six bytes).
func Size(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

// Content limits of records shown inline.
const (
	// StopContentBytes is the largest body, payload or stream data kept in
	// the records of a default stop result.
	StopContentBytes = 2 << 10
	// PageContentBytes is the largest kept in a page of records.
	PageContentBytes = 4 << 10
	// rowURLBytes is the longest URL of an overview row.
	rowURLBytes = 300
	// previewBytes is the longest payload of a frame or stream preview.
	previewBytes = 160
	// squeezeBytes is the longest string a record keeps when even one
	// record would not fit a result otherwise.
	squeezeBytes = 1 << 10
)

// Cut shortens s to at most n bytes on a character boundary, saying how
// long it was.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	keep := n
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return fmt.Sprintf("%s…[%d bytes]", s[:keep], len(s))
}

// cutBytes returns b[:n] or less, on a character boundary when text.
func cutBytes(b []byte, n int, text bool) []byte {
	if n >= len(b) {
		return b
	}
	if n < 0 {
		n = 0
	}
	if text {
		for n > 0 && !utf8.RuneStart(b[n]) {
			n--
		}
	}
	return b[:n]
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Share is how much of a result's budget (total bytes of text and
// structured content) its structured content may take at first: the text
// carries the same JSON after a one-line headline, and escaping it as a
// JSON string costs more bytes.
func Share(total int) int { return (total - 400) * 4 / 9 }
