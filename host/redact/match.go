package redact

import (
	"encoding/binary"
	"sort"
	"strings"
	"unsafe"
)

// window is how many leading bytes of a learned value the matcher hashes:
// values are at least this long.
const window = 8

// matcher finds learned values in a text, as whole tokens. Each
// position's next eight bytes are hashed into a bit table that says
// whether a value may start there; only then is a map of values by their
// first eight bytes consulted. The cost is a load, a multiply and a bit
// test per byte, whatever the number of values.
type matcher struct {
	bits  []uint64
	shift uint
	// byPrefix lists the values by their first eight bytes, longest first.
	byPrefix map[uint64][]learned
	// anyConfident says some value is confident (hidden in code too).
	anyConfident bool
}

// learned is one value of a matcher.
type learned struct {
	v string
	// confident values are random enough to be hidden inside scripts and
	// styles.
	confident bool
}

const hashMul = 0x9E3779B97F4A7C15

func newMatcher(values []string) *matcher {
	if len(values) == 0 {
		return nil
	}
	logBits := uint(16)
	for 1<<logBits < 64*len(values) && logBits < 24 {
		logBits++
	}
	m := &matcher{bits: make([]uint64, (1<<logBits)/64), shift: 64 - logBits, byPrefix: map[uint64][]learned{}}
	for _, v := range values {
		w := binary.LittleEndian.Uint64([]byte(v[:window]))
		h := (w * hashMul) >> m.shift
		m.bits[h/64] |= 1 << (h % 64)
		l := learned{v: v, confident: confident(v)}
		m.anyConfident = m.anyConfident || l.confident
		m.byPrefix[w] = append(m.byPrefix[w], l)
	}
	for _, vs := range m.byPrefix {
		sort.Slice(vs, func(i, j int) bool { return len(vs[i].v) > len(vs[j].v) })
	}
	return m
}

// bytesOf views a string's bytes without copying; they must not be
// written.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// stringOf views bytes as a string without copying; they must not change
// while it is used.
func stringOf(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// How a matcher looks for values.
type matchMode int

const (
	// tokens finds every learned value, as a whole token.
	tokens matchMode = iota
	// confidentTokens finds only confident values (scripts and styles).
	confidentTokens
	// anywhere finds every learned value, also inside longer runs of
	// letters (binary content, whose neighbouring bytes mean nothing).
	anywhere
)

// next finds the first learned value in s at or after from: its start and
// length, or -1.
func (m *matcher) next(s string, from int, mode matchMode) (int, int) {
	if m == nil || mode == confidentTokens && !m.anyConfident {
		return -1, 0
	}
	b := bytesOf(s)
	for i := from; i+window <= len(b); i++ {
		w := binary.LittleEndian.Uint64(b[i:])
		h := (w * hashMul) >> m.shift
		if m.bits[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, l := range m.byPrefix[w] {
			if !strings.HasPrefix(s[i:], l.v) || mode == confidentTokens && !l.confident {
				continue
			}
			if mode != anywhere && (continuesBefore(s, i) || continuesAfter(s, i+len(l.v))) {
				continue
			}
			return i, len(l.v)
		}
	}
	return -1, 0
}

// spans appends the places of the learned values in s.
func (m *matcher) spans(s string, mode matchMode, out []span) []span {
	for i, n := m.next(s, 0, mode); i >= 0; i, n = m.next(s, i+n, mode) {
		out = append(out, span{start: i, end: i + n, s: strong, kind: spanValue})
	}
	return out
}

// isTokenByte reports whether c continues a token (an identifier, a word,
// a run of base64): a learned value next to one is part of something
// longer, and left alone.
func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '$'
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// continuesBefore reports whether the token at i is the end of a longer
// one. An escape before it (%3D, \u0026, \n) ends what came before.
func continuesBefore(s string, i int) bool {
	if i == 0 || !isTokenByte(s[i-1]) {
		return false
	}
	switch {
	case i >= 3 && s[i-3] == '%' && isHex(s[i-2]) && isHex(s[i-1]):
		return false
	case i >= 2 && s[i-2] == '\\' && strings.IndexByte("nrtbf", s[i-1]) >= 0:
		return false
	case i >= 6 && s[i-6] == '\\' && s[i-5] == 'u' && isHex(s[i-4]) && isHex(s[i-3]) && isHex(s[i-2]) && isHex(s[i-1]):
		return false
	}
	return true
}

// continuesAfter reports whether the token that ends at j goes on.
func continuesAfter(s string, j int) bool { return j < len(s) && isTokenByte(s[j]) }

// mask is "[****…]" of n bytes (n ≥ window): it keeps a binary format's
// lengths, and no learned value (which holds no '[', ']' or '*') can be
// found in it or across its ends.
func mask(n int) string {
	return "[" + strings.Repeat("*", n-2) + "]"
}
