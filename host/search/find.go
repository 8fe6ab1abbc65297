package search

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/tabtap/tabtap/host/urlmatch"
)

// finder finds every match of one query in a text.
type finder interface {
	// in reports whether s holds a match.
	in(s string) bool
	// each calls yield with the start and end of every match in s, in
	// order and not overlapping, until yield returns false.
	each(s string, yield func(start, end int) bool)
}

// newFinder compiles a query by urlmatch's rule: /regex/ is a regular
// expression (RE2, as written: (?i) makes it ignore case), anything else a
// substring found whatever its case.
func newFinder(query string) (finder, error) {
	sub, re, err := urlmatch.Compile("query", query)
	if err != nil {
		return nil, err
	}
	if re != nil {
		f := regexFinder{re: re}
		if parsed, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
			lit, fold := requiredLiteral(parsed.Simplify())
			switch {
			case lit == "":
			case !fold:
				f.must = lit
			case isASCII(lit):
				f.mustFold = newFoldFinder(lit)
			}
		}
		return f, nil
	}
	if !isASCII(sub) {
		// Unicode case folding can change a text's length: leave it to
		// the regexp package, which knows its rules.
		return regexFinder{re: regexp.MustCompile("(?i)" + regexp.QuoteMeta(sub))}, nil
	}
	return newFoldFinder(sub), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// requiredLiteral is the longest literal every match of re holds, and
// whether it matches whatever its case; "" when there is none to be sure
// of (an alternation, say).
func requiredLiteral(re *syntax.Regexp) (lit string, fold bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return string(re.Rune), re.Flags&syntax.FoldCase != 0
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiteral(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiteral(re.Sub[0])
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if l, f := requiredLiteral(sub); len(l) > len(lit) {
				lit, fold = l, f
			}
		}
	}
	return lit, fold
}

// maxRegexMatches bounds the matches a regular expression reports in one
// text, so that a pattern matching everywhere costs no more memory than
// the page it fills.
const maxRegexMatches = 1 << 16

// regexFinder runs a regular expression, on the texts that hold the
// literal every match holds (must, or mustFold whatever its case), when
// it has one: the regexp package reads every byte of what it is given,
// far slower than a scan for a literal.
type regexFinder struct {
	re       *regexp.Regexp
	must     string
	mustFold *foldFinder
}

// maybe says whether s can hold a match.
func (f regexFinder) maybe(s string) bool {
	switch {
	case f.must != "":
		return strings.Contains(s, f.must)
	case f.mustFold != nil:
		return f.mustFold.in(s)
	}
	return true
}

func (f regexFinder) in(s string) bool {
	if !f.maybe(s) {
		return false
	}
	for _, m := range f.re.FindAllStringIndex(s, -1) {
		if m[1] > m[0] {
			return true
		}
	}
	return false
}

func (f regexFinder) each(s string, yield func(int, int) bool) {
	if !f.maybe(s) {
		return
	}
	for _, m := range f.re.FindAllStringIndex(s, maxRegexMatches) {
		if m[1] > m[0] && !yield(m[0], m[1]) { // an empty match shows nothing
			return
		}
	}
}

// foldFinder finds an ASCII needle whatever its case. It scans for the
// needle's rarest byte (both cases of it) with strings.IndexByte, which
// runs at memory speed, and compares the needle around each hit.
type foldFinder struct {
	needle string // lower case
	rare   int    // index in needle of the byte scanned for
	lo, up byte   // that byte in both cases
}

func newFoldFinder(sub string) *foldFinder {
	f := &foldFinder{needle: strings.ToLower(sub)}
	for i := 1; i < len(f.needle); i++ {
		if byteRank(f.needle[i]) < byteRank(f.needle[f.rare]) {
			f.rare = i
		}
	}
	f.lo = f.needle[f.rare]
	f.up = f.lo
	if 'a' <= f.lo && f.lo <= 'z' {
		f.up = f.lo - 'a' + 'A'
	}
	return f
}

func (f *foldFinder) in(s string) bool {
	_, ok := f.next(s, 0)
	return ok
}

func (f *foldFinder) each(s string, yield func(int, int) bool) {
	for from := 0; ; {
		start, ok := f.next(s, from)
		if !ok || !yield(start, start+len(f.needle)) {
			return
		}
		from = start + len(f.needle)
	}
}

// next returns the start of the first match in s[from:].
func (f *foldFinder) next(s string, from int) (int, bool) {
	n := len(f.needle)
	if n == 0 || len(s)-from < n {
		return 0, false
	}
	// Hits of the rare byte can only start a match between first and last.
	first, last := from+f.rare, len(s)-n+f.rare
	nextLo, nextUp := -2, -2 // next hit of each case at or after pos; -1 for none; -2 not looked yet
	for pos := first; pos <= last; {
		if nextLo != -1 && nextLo < pos {
			nextLo = indexFrom(s, f.lo, pos, last)
		}
		if f.up == f.lo {
			nextUp = -1
		} else if nextUp != -1 && nextUp < pos {
			nextUp = indexFrom(s, f.up, pos, last)
		}
		hit := nextLo
		if hit == -1 || (nextUp != -1 && nextUp < hit) {
			hit = nextUp
		}
		if hit == -1 {
			return 0, false
		}
		start := hit - f.rare
		if equalFoldASCII(s[start:start+n], f.needle) {
			return start, true
		}
		pos = hit + 1
	}
	return 0, false
}

// indexFrom is the index of the first c in s[from:last+1], or -1.
func indexFrom(s string, c byte, from, last int) int {
	i := strings.IndexByte(s[from:last+1], c)
	if i < 0 {
		return -1
	}
	return from + i
}

// equalFoldASCII reports whether s equals the lower-case needle when
// ASCII letters of s are lowered.
func equalFoldASCII(s, needle string) bool {
	for i := 0; i < len(needle); i++ {
		b := s[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != needle[i] {
			return false
		}
	}
	return true
}

// byteRank is how often a byte turns up in HTTP traffic (URLs, headers,
// JSON, HTML, scripts), higher for more often, both cases of a letter
// counted together: the finder scans for the needle's rarest byte.
func byteRank(b byte) int {
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	if i := strings.IndexByte(byFrequency, b); i >= 0 {
		return len(byFrequency) - i
	}
	return 0
}

// byFrequency lists common bytes, the most common first.
const byFrequency = "e \"ta:o,isnr0l1c2d/.u3-p5h4m6789g=fy_b{}wv\nk;()x<>[]&jqz'+?%#@$!|*~^`\\\t\r"
