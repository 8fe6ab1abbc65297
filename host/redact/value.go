package redact

import (
	"math"
	"strings"
)

// A value is hidden because it is a secret, not because of a word near
// it. The tests below say what a secret looks like: not a word or a
// keyword (same-origin, Bearer, ok, invalid), not a number or a boolean;
// and, to be learned and hidden wherever else it shows up, long enough and
// random enough that it cannot be part of ordinary text.

// Bounds on what a Set learns: past them new values are counted in
// Skipped and not learned (they are still hidden where their name shows
// them).
const (
	// MinValueLen is the shortest value learned: shorter ones ("1", "true",
	// "en-US") would be scrubbed from everything they happen to be part of.
	MinValueLen = window
	// MaxValueLen is the longest value learned.
	MaxValueLen = 4096
	// MaxValues bounds how many values a Set holds.
	MaxValues = 8192
)

const (
	// minLearnBits is the least entropy (see entropyBits) of a value
	// learned as a secret.
	minLearnBits = 20
	// minCodeBits is the least entropy of a learned value hidden inside
	// scripts and styles, where only high-confidence secrets are changed.
	minCodeBits = 60
	// minCodeLen is the shortest learned value hidden inside code.
	minCodeLen = 16
)

// commonValues are never learned nor hidden: placeholders, not secrets.
var commonValues = map[string]bool{
	"undefined": true, "null": true, "nil": true, "none": true, "true": true, "false": true, "yes": true, "no": true,
	"on": true, "off": true, "n/a": true, "anonymous": true, "bearer": true, "basic": true, "deleted": true,
	"redacted": true, "localhost": true, "password": true, "changeme": true,
}

// common reports whether v is one of commonValues, in any case.
func common(v string) bool {
	if len(v) < 2 || len(v) > 9 {
		return false // the lengths of commonValues
	}
	var buf [9]byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return commonValues[string(buf[:len(v)])]
}

// hides reports whether a value under a name of strength st is hidden
// there. Under a password name any value is; under the others, a value is
// when one of its words could be a secret (so "Bearer eyJ…" is hidden,
// and "ok", "same-origin", "invalid token" stay).
func hides(v string, st strength) bool {
	if v == "" || st == notSecret || strings.HasPrefix(v, Redacted) {
		return false
	}
	if st == password {
		return true
	}
	if common(v) || sameByte(v) {
		return false
	}
	for rest := v; rest != ""; {
		w := rest
		if i := strings.IndexAny(rest, " \t\r\n"); i >= 0 {
			w, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if couldBeSecret(w, st) {
			return true
		}
	}
	return false
}

// couldBeSecret reports whether one word (no spaces) could be a secret
// under a name of strength st: not a placeholder, a word, a keyword, a
// boolean, a number shorter than a one-time code, or shorter than any
// token (five bytes, six under a weak name).
func couldBeSecret(w string, st strength) bool {
	if w == "" || common(w) || sameByte(w) {
		return false
	}
	if digits, ok := number(w); ok {
		return digits >= 6
	}
	if wordy(w) {
		return false
	}
	// No credential is this short (PINs and one-time codes are under
	// password names, or numbers).
	if st == weak {
		return len(w) >= 6
	}
	return len(w) >= 5
}

// learnable reports whether a value found where credentials live, under a
// name of strength st, is learned: hidden wherever else it shows up, as a
// whole token. It must look like a secret: at least MinValueLen bytes, no
// spaces or quotes, not a word, keyword, number or placeholder, and at
// least minLearnBits of entropy. Under a weak name (and for cookies not
// named as a secret) it must also be shaped like a token: letters and
// digits, at least ten of them, no URL.
func learnable(v string, st strength) bool {
	if len(v) < MinValueLen || len(v) > MaxValueLen || st == notSecret {
		return false
	}
	letters, digits := false, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c <= ' ' || c >= 0x7f:
			return false
		case c == '[' || c == ']' || c == '*' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`':
			return false
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letters = true
		case '0' <= c && c <= '9':
			digits = true
		}
	}
	if common(v) {
		return false
	}
	if n, ok := number(v); ok && n < 16 {
		return false
	}
	if wordy(v) || entropyBits(v) < minLearnBits {
		return false
	}
	if st != weak {
		return true
	}
	if len(v) < 10 || !letters || !digits || strings.Contains(v, "://") {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._~+/=-%:|", c) >= 0) {
			return false
		}
	}
	return true
}

// confident reports whether a learned value is random enough to be hidden
// inside scripts and styles too.
func confident(v string) bool {
	return len(v) >= minCodeLen && entropyBits(v) >= minCodeBits
}

// entropyBits estimates the randomness of v: its length times the
// Shannon entropy of its bytes. A random 20-character token scores about
// 80, a word about 20, "same-origin" 33.
func entropyBits(v string) float64 {
	if v == "" {
		return 0
	}
	var counts [256]uint16
	for i := 0; i < len(v); i++ {
		counts[v[i]]++
	}
	n := float64(len(v))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h * n
}

// number reports whether w is a decimal number (-1, 3.5, 1e9), with how
// many digits it has.
func number(w string) (digits int, ok bool) {
	i := 0
	if i < len(w) && (w[i] == '-' || w[i] == '+') {
		i++
	}
	dot, exp := false, false
	for ; i < len(w); i++ {
		switch c := w[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && !dot && !exp:
			dot = true
		case (c == 'e' || c == 'E') && !exp && digits > 0:
			exp = true
			if i+1 < len(w) && (w[i+1] == '-' || w[i+1] == '+') {
				i++
			}
		default:
			return 0, false
		}
	}
	return digits, digits > 0
}

// sameByte reports whether v is one byte repeated (xxxxxxxx, 00000000).
func sameByte(v string) bool {
	for i := 1; i < len(v); i++ {
		if v[i] != v[0] {
			return false
		}
	}
	return true
}

// wordy reports whether w reads as words: letters only, in parts joined
// by - _ . / : + (same-origin, text/html, token_type, ERR_INVALID), each
// part a word in lower case, upper case, Capitalized or camelCase
// (sameOrigin, XMLHttpRequest). Random letters fail: their case changes
// too often (QmVhcmVy) or their consonants run too long.
func wordy(w string) bool {
	words := 0
	for start := 0; start < len(w); {
		end := start
		for end < len(w) && isLetter(w[end]) {
			end++
		}
		if end == start {
			return false // a digit or a symbol that joins no words
		}
		if !isWord(w[start:end]) {
			return false
		}
		words++
		if end == len(w) {
			break
		}
		if strings.IndexByte("-_./:+", w[end]) < 0 {
			return false
		}
		start = end + 1
	}
	return words > 0
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func isVowel(c byte) bool { return strings.IndexByte("aeiouyAEIOUY", c) >= 0 }

// isWord reports whether a run of letters reads as one word or a
// camelCase join of words.
func isWord(p string) bool {
	if len(p) > 32 {
		return false
	}
	uppers := 0
	for i := 0; i < len(p); i++ {
		if isUpper(p[i]) {
			uppers++
		}
	}
	if len(p) >= 8 && uppers < len(p) && uppers*10 > len(p)*4 {
		return false // mixed case, too many capitals for camelCase
	}
	// Each word after the first starts with a capital: aB, or ABc after
	// an acronym.
	start := 0
	for i := 1; i <= len(p); i++ {
		if i < len(p) && !(isUpper(p[i]) && (!isUpper(p[i-1]) || i+1 < len(p) && !isUpper(p[i+1]))) {
			continue
		}
		w := p[start:i]
		if start > 0 && !laterWord(w) || len(w) > 20 || consonantRun(w) >= 6 || !onset(w) {
			return false
		}
		start = i
	}
	return true
}

// onsets are the pairs of consonants words start with: English's, and
// those of the abbreviations code is full of (Http, Json, Xml).
var onsets = map[string]bool{
	"bl": true, "br": true, "ch": true, "cl": true, "cr": true, "dr": true, "dw": true, "fl": true, "fr": true,
	"gl": true, "gn": true, "gr": true, "kl": true, "kn": true, "kr": true, "ph": true, "pl": true, "pr": true,
	"ps": true, "sc": true, "sh": true, "sk": true, "sl": true, "sm": true, "sn": true, "sp": true, "sq": true,
	"st": true, "sw": true, "th": true, "tr": true, "tw": true, "wh": true, "wr": true,
	"ht": true, "js": true, "xm": true, "sv": true, "sr": true, "dn": true, "px": true, "pd": true, "cs": true,
	"md": true, "ws": true, "ts": true, "mp": true, "rg": true, "nb": true, "cb": true, "fn": true, "mv": true,
}

// onset reports whether a word starts as words do: with a vowel, one
// consonant, or a pair that starts words. A word in capitals (an acronym)
// may start with anything.
func onset(w string) bool {
	if len(w) < 2 || isVowel(w[0]) || isVowel(w[1]) {
		return true
	}
	allUpper := true
	for i := 0; i < len(w); i++ {
		allUpper = allUpper && isUpper(w[i])
	}
	return allUpper || onsets[lowerASCII(w[:2])]
}

// consonantRun is the longest run of consonants in a word.
func consonantRun(w string) int {
	longest, n := 0, 0
	for i := 0; i < len(w); i++ {
		if isVowel(w[i]) {
			n = 0
			continue
		}
		n++
		longest = max(longest, n)
	}
	return longest
}

// laterWord reports whether a piece of a camelCase name after its first
// reads as a word: three letters or more (Origin, XML), or two with a
// vowel (By, Id, Of).
func laterWord(r string) bool {
	if len(r) >= 3 {
		return true
	}
	return len(r) == 2 && isUpper(r[0]) && !isUpper(r[1]) && (isVowel(r[0]) || isVowel(r[1]))
}
