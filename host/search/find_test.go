package search

import (
	"regexp/syntax"
	"strings"
	"testing"
)

func all(f finder, s string) [][2]int {
	var out [][2]int
	f.each(s, func(a, b int) bool { out = append(out, [2]int{a, b}); return true })
	return out
}

// reference finds ASCII needles the slow, obvious way.
func reference(needle, s string) [][2]int {
	lower := func(s string) string {
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	ls, ln := lower(s), lower(needle)
	var out [][2]int
	for i := 0; i+len(ln) <= len(ls); {
		j := strings.Index(ls[i:], ln)
		if j < 0 {
			break
		}
		out = append(out, [2]int{i + j, i + j + len(ln)})
		i += j + len(ln)
	}
	return out
}

func TestFoldFinder(t *testing.T) {
	for _, c := range []struct {
		needle, text string
		want         [][2]int
	}{
		{"abc", "xxABCxxabcxAbC", [][2]int{{2, 5}, {7, 10}, {11, 14}}},
		{"aa", "aaaa", [][2]int{{0, 2}, {2, 4}}},
		{"x", "", nil},
		{"long needle", "short", nil},
		{"Q", "q", [][2]int{{0, 1}}},
		{"z9", "Z9z9", [][2]int{{0, 2}, {2, 4}}},
		{"{\"id\":", `[{"ID":1},{"id":2}]`, [][2]int{{1, 7}, {10, 16}}},
		{"e", "\xff\xfeE", [][2]int{{2, 3}}},
	} {
		if got := all(newFoldFinder(c.needle), c.text); !equal(got, c.want) {
			t.Errorf("%q in %q: %v, want %v", c.needle, c.text, got, c.want)
		}
	}
}

func equal(a, b [][2]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFinderRules(t *testing.T) {
	for _, c := range []struct {
		query, text string
		want        int
	}{
		{"ÉTÉ", "un été, UN ÉTÉ", 2}, // Unicode folding
		{"/a+b/", "aab AB ab", 2},    // a regex keeps its case
		{"/(?i)a+b/", "aab AB ab", 3},
		{"/x*/", "abc", 0}, // empty matches show nothing
		{"/", "a/b/c", 2},  // a lone slash is a substring
	} {
		f, err := newFinder(c.query)
		if err != nil {
			t.Fatalf("%q: %v", c.query, err)
		}
		if got := len(all(f, c.text)); got != c.want {
			t.Errorf("%q in %q: %d matches, want %d", c.query, c.text, got, c.want)
		}
	}
	if _, err := newFinder("/a(/"); err == nil || !strings.Contains(err.Error(), "query /a(/ is not a valid regular expression") {
		t.Errorf("a bad regex: %v", err)
	}
	if _, err := newFinder(strings.Repeat("a", 1025)); err == nil || !strings.Contains(err.Error(), "at most 1024") {
		t.Errorf("a long query: %v", err)
	}
}

// FuzzFoldFinder checks the fast finder against the obvious one.
func FuzzFoldFinder(f *testing.F) {
	f.Add("abc", "xxABCxxabc")
	f.Add("aa", "aaaaa")
	f.Add("e\"", `"e""E"`)
	f.Fuzz(func(t *testing.T, needle, text string) {
		if needle == "" {
			return
		}
		for i := 0; i < len(needle); i++ {
			if needle[i] >= 0x80 {
				return
			}
		}
		if got, want := all(newFoldFinder(needle), text), reference(needle, text); !equal(got, want) {
			t.Errorf("%q in %q: %v, want %v", needle, text, got, want)
		}
	})
}

func TestRequiredLiteral(t *testing.T) {
	for pattern, want := range map[string]string{
		`[0-9]{3}-[0-9]{4}-X`: "-X", `abc`: "abc", `(?i)Token=\w+`: "token=", `a|b`: "", `x*`: "", `(foo)+bar?`: "foo", `^/api/v\d/items`: "/api/v",
	} {
		re, err := syntax.Parse(pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		lit, fold := requiredLiteral(re.Simplify())
		if fold {
			lit = strings.ToLower(lit)
		}
		if lit != want {
			t.Errorf("%s: %q, want %q", pattern, lit, want)
		}
	}
	// The prefilter changes what is found not at all.
	f, _ := newFinder(`/(?i)TOKEN=\w+/`)
	if got := len(all(f, "a token=x b Token=yy c TOKEN")); got != 2 {
		t.Errorf("%d matches", got)
	}
}
