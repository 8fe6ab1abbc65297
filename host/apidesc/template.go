package apidesc

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// What a path segment is, when it is a value rather than a name.
const (
	segNumber = "number"
	segUUID   = "uuid"
	segHex    = "hex"
	segToken  = "token"
	segDate   = "date"
	segEmail  = "email"
)

// idKind says whether a path segment (or an object key) looks like a
// value, an id, rather than a name: a number, a UUID, a long hex string,
// a base64-like token, a date, an email address.
func idKind[T ~string | ~[]byte](s T) (string, bool) {
	if len(s) == 0 || len(s) > 512 {
		return "", false
	}
	digits, lower, upper, hex, dashes, ats, dots, other := 0, 0, 0, 0, 0, 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
			hex++
		case 'a' <= c && c <= 'z':
			lower++
			if c <= 'f' {
				hex++
			}
		case 'A' <= c && c <= 'Z':
			upper++
			if c <= 'F' {
				hex++
			}
		case c == '-':
			dashes++
		case c == '_':
		case c == '@':
			ats++
			other++
		case c == '.':
			if ats > 0 {
				dots++
			}
			other++
		default:
			other++
		}
	}
	switch {
	case digits == len(s):
		return segNumber, true
	case isUUID(s):
		return segUUID, true
	case isDate(s):
		return segDate, true
	case hex == len(s) && len(s) >= 8 && digits > 0:
		return segHex, true
	case ats == 1 && dots > 0 && s[0] != '@':
		return segEmail, true
	}
	// A token: long, of base64url characters, mixing digits and letters
	// (or both cases at length), with few dashes (a slug has many).
	letters := lower + upper
	if other == 0 && len(s) >= 16 && dashes <= 2 &&
		((digits > 0 && letters > 0) || (lower > 0 && upper > 0 && len(s) >= 20)) {
		return segToken, true
	}
	return "", false
}

func isUUID[T ~string | ~[]byte](s T) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isDate is YYYY-MM-DD, alone or starting an ISO-8601 time, with a month
// and a day that can be.
func isDate[T ~string | ~[]byte](s T) bool {
	if len(s) < 10 || !digitsAt(s, 0, 4) || s[4] != '-' || !within(s, 5, 1, 12) || s[7] != '-' || !within(s, 8, 1, 31) {
		return false
	}
	return len(s) == 10 || s[10] == 'T' || s[10] == 't'
}

// within says whether the two digits at s[i:] are a number from lo to hi.
func within[T ~string | ~[]byte](s T, i, lo, hi int) bool {
	if !digitsAt(s, i, 2) {
		return false
	}
	n := int(s[i]-'0')*10 + int(s[i+1]-'0')
	return lo <= n && n <= hi
}

// isDateTime is an RFC 3339 date and time: 2026-12-01T10:00:00(.123)Z,
// or with an offset.
func isDateTime[T ~string | ~[]byte](s T) bool {
	if len(s) < 20 || !isDate(s[:10]) || s[10] != 'T' && s[10] != 't' ||
		!within(s, 11, 0, 23) || s[13] != ':' || !within(s, 14, 0, 59) || s[16] != ':' || !within(s, 17, 0, 60) {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	switch {
	case len(rest) == 1:
		return rest[0] == 'Z' || rest[0] == 'z'
	case len(rest) == 6:
		return (rest[0] == '+' || rest[0] == '-') && within(rest, 1, 0, 23) && rest[3] == ':' && within(rest, 4, 0, 59)
	}
	return false
}

func digitsAt[T ~string | ~[]byte](s T, from, n int) bool {
	for i := from; i < from+n; i++ {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// valueLike is a segment that no id rule caught but that reads as a value
// when its neighbours vary: it holds a digit (a version such as v2 aside)
// or characters names do not have.
func valueLike(s string) bool {
	if isVersion(s) {
		return false
	}
	return strings.ContainsAny(s, "0123456789@%=+:,~ ")
}

func isVersion(s string) bool {
	if len(s) < 2 || (s[0] != 'v' && s[0] != 'V') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

// plural says whether a name reads as a collection ("kernels",
// "categories"), whose next segment is one of its members.
func plural(s string) bool {
	s = strings.ToLower(s)
	if len(s) < 3 || !strings.HasSuffix(s, "s") {
		return false
	}
	for _, not := range []string{"ss", "us", "is", "ics", "news", "status"} {
		if strings.HasSuffix(s, not) {
			return false
		}
	}
	return true
}

// singular is a collection's name for one of its members, as an
// identifier: "kernels" → "kernel", "work-items" → "workItem".
func singular(s string) string {
	s = camel(s)
	low := strings.ToLower(s)
	switch {
	case strings.HasSuffix(low, "ies") && len(s) > 4:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(low, "sses"), strings.HasSuffix(low, "xes"), strings.HasSuffix(low, "ches"), strings.HasSuffix(low, "shes"):
		return s[:len(s)-2]
	case plural(s):
		return s[:len(s)-1]
	}
	return s
}

// camel turns a name into a camelCase identifier.
func camel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if b.Len() == 0 && unicode.IsDigit(r) {
				b.WriteString("p")
			}
			if up && b.Len() > 0 {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// Variance rules: siblings that no id rule caught become one parameter
// when they look like values (minValueSiblings of them, or one beside a
// parameter), or, names all of them, when they are many members of a
// collection (minWordSiblings, nearly each called once, with the same
// structure below them).
const (
	minValueSiblings = 2
	minWordSiblings  = 4
)

// trie is the paths of one origin, segment by segment; a parameter child
// stands for every value at its place.
type trie struct {
	seg      string // the literal segment leading here ("" at the root and for a parameter)
	parent   *trie
	children map[string]*trie
	order    []string // children's segments, as first seen
	param    *trie
	kinds    map[string]int // for a parameter: how its values looked
	values   map[string]bool
	calls    int // calls whose path went through here
	ends     int // calls whose path ended here
}

func newTrie(seg string, parent *trie) *trie {
	return &trie{seg: seg, parent: parent, children: map[string]*trie{}}
}

// add walks a path's segments into the trie.
func (t *trie) add(segs []string) {
	t.calls++
	if len(segs) == 0 {
		t.ends++
		return
	}
	s := segs[0]
	var next *trie
	if kind, ok := idKind(s); ok {
		next = t.paramChild()
		next.kinds[kind]++
		next.value(s)
	} else {
		next = t.children[s]
		if next == nil {
			next = newTrie(s, t)
			t.children[s] = next
			t.order = append(t.order, s)
		}
	}
	next.add(segs[1:])
}

func (t *trie) paramChild() *trie {
	if t.param == nil {
		t.param = newTrie("", t)
		t.param.kinds = map[string]int{}
		t.param.values = map[string]bool{}
	}
	return t.param
}

// value notes a parameter's value, a bounded number of them.
func (t *trie) value(s string) {
	if len(t.values) < 64 {
		t.values[s] = true
	}
}

// generalize turns varying literal segments into parameters, from the
// root down (see the variance rules).
func (t *trie) generalize() {
	var merge []string
	var values, words []string
	for _, s := range t.order {
		if valueLike(s) {
			values = append(values, s)
		} else {
			words = append(words, s)
		}
	}
	if len(values) >= minValueSiblings || (len(values) > 0 && t.param != nil) {
		merge = append(merge, values...)
	}
	if t.membersOf(words) {
		merge = append(merge, words...)
	}
	for _, s := range merge {
		c := t.children[s]
		delete(t.children, s)
		p := t.paramChild()
		p.kinds["value"]++
		p.value(s)
		p.absorb(c)
	}
	if len(merge) > 0 {
		t.order = slices.DeleteFunc(t.order, func(s string) bool { return slices.Contains(merge, s) })
	}
	for _, s := range t.order {
		t.children[s].generalize()
	}
	if t.param != nil {
		t.param.generalize()
	}
}

// membersOf says whether words, the literal children of t, are members of
// the collection t names rather than names of their own: many of them,
// each called about once, all with the same segments below them.
func (t *trie) membersOf(words []string) bool {
	if len(words) < minWordSiblings || !plural(t.seg) {
		return false
	}
	calls := 0
	var shape []string
	for i, w := range words {
		c := t.children[w]
		calls += c.calls
		below := slices.Sorted(func(yield func(string) bool) {
			for k := range c.children {
				if !yield(k) {
					return
				}
			}
		})
		if c.param != nil {
			below = append(below, "{}")
		}
		if i == 0 {
			shape = below
		} else if !slices.Equal(shape, below) {
			return false
		}
	}
	return calls*3 <= len(words)*4 // at most 4 calls for 3 members
}

// absorb merges o's paths into t, a parameter.
func (t *trie) absorb(o *trie) {
	t.calls += o.calls
	t.ends += o.ends
	for k, n := range o.kinds {
		t.kinds[k] += n
	}
	for v := range o.values {
		t.value(v)
	}
	for _, s := range o.order {
		c := o.children[s]
		if mine, ok := t.children[s]; ok {
			mine.absorb(c)
			continue
		}
		c.parent = t
		t.children[s] = c
		t.order = append(t.order, s)
	}
	if o.param != nil {
		t.paramChild().absorb(o.param)
	}
}

// template is a path's template: its segments through the generalized
// trie, parameters named from the segment before them.
func (t *trie) template(segs []string) (path string, params []param) {
	var b strings.Builder
	used := map[string]int{}
	n := t
	for _, s := range segs {
		b.WriteByte('/')
		if c, ok := n.children[s]; ok {
			b.WriteString(s)
			n = c
			continue
		}
		n = n.paramChild() // an id, or a literal merged into the parameter
		name := n.name()
		used[name]++
		if used[name] > 1 {
			name = fmt.Sprintf("%s%d", name, used[name])
		}
		params = append(params, param{name: name, node: n, value: s})
		b.WriteString("{" + name + "}")
	}
	if len(segs) == 0 {
		b.WriteByte('/')
	}
	return b.String(), params
}

// name is a parameter's name: from the collection before it
// ("kernels/{kernelId}"), "date" or "email" for those, else "id".
func (t *trie) name() string {
	kind := ""
	for k, n := range t.kinds {
		if kind == "" || n > t.kinds[kind] || (n == t.kinds[kind] && k < kind) {
			kind = k
		}
	}
	prev := ""
	if t.parent != nil {
		prev = singular(t.parent.seg)
	}
	switch {
	case kind == segDate && prev != "":
		return prev + "Date"
	case kind == segDate:
		return "date"
	case kind == segEmail:
		return "email"
	case prev == "" || isVersion(t.parent.seg):
		return "id"
	}
	return prev + "Id"
}

// param is one parameter of a path as one call filled it.
type param struct {
	name  string
	node  *trie
	value string
}

// segments splits a URL path into its segments.
func segments(path string) []string {
	path = strings.TrimPrefix(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}
