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

// matcher finds learned values in a text. Each position's next eight bytes
// are hashed into a bit table that says whether a value may start there;
// only then is a map of values by their first eight bytes consulted. The
// cost is a load, a multiply and a bit test per byte, whatever the number
// of values.
type matcher struct {
	bits  []uint64
	shift uint
	// byPrefix lists the values by their first eight bytes, longest first.
	byPrefix map[uint64][]string
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
	m := &matcher{bits: make([]uint64, (1<<logBits)/64), shift: 64 - logBits, byPrefix: map[uint64][]string{}}
	for _, v := range values {
		w := binary.LittleEndian.Uint64([]byte(v[:window]))
		h := (w * hashMul) >> m.shift
		m.bits[h/64] |= 1 << (h % 64)
		m.byPrefix[w] = append(m.byPrefix[w], v)
	}
	for _, vs := range m.byPrefix {
		sort.Slice(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) })
	}
	return m
}

// bytesOf views a string's bytes without copying; they must not be
// written.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// stringOf views bytes as a string without copying; they must not change
// while it is used.
func stringOf(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// next finds the first learned value in s at or after from: its start and
// length, or -1.
func (m *matcher) next(s string, from int) (int, int) {
	b := bytesOf(s)
	for i := from; i+window <= len(b); i++ {
		w := binary.LittleEndian.Uint64(b[i:])
		h := (w * hashMul) >> m.shift
		if m.bits[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, v := range m.byPrefix[w] {
			if strings.HasPrefix(s[i:], v) {
				return i, len(v)
			}
		}
	}
	return -1, 0
}

// replace writes s with every learned value replaced by Redacted, or, with
// sameLength, by a mask of the value's length. It returns s itself when
// nothing was found.
func (m *matcher) replace(s string, sameLength bool) string {
	if m == nil || len(s) < window {
		return s
	}
	i, n := m.next(s, 0)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	for i >= 0 {
		b.WriteString(s[at:i])
		if sameLength {
			b.WriteString(mask(n))
		} else {
			b.WriteString(Redacted)
		}
		at = i + n
		i, n = m.next(s, at)
	}
	b.WriteString(s[at:])
	return b.String()
}

// mask is "[****…]" of n bytes (n ≥ window): it keeps a binary format's
// lengths, and no learned value (which holds no '[', ']' or '*') can be
// found in it or across its ends.
func mask(n int) string {
	return "[" + strings.Repeat("*", n-2) + "]"
}
