package urlmatch

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		filter, url string
		want        bool
	}{
		{"", "https://a.example/x", true},
		{"/api/", "https://a.example/api/v1", true},
		{"api", "https://a.example/web", false},
		{`/api\/v[12]\//`, "https://a.example/api/v2/x", true},
		{`/api\/v[12]\//`, "https://a.example/api/v3/x", false},
		{"/", "https://a.example/", true}, // a lone slash is a substring
		{"//", "https://a.example/", true},
	} {
		m, err := Parse("urlFilter", c.filter)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.filter, err)
		}
		if got := m.Match(c.url); got != c.want {
			t.Errorf("%q on %q = %v, want %v", c.filter, c.url, got, c.want)
		}
	}
}

func TestBounds(t *testing.T) {
	if _, err := Parse("urlFilter", "/a(/"); err == nil || !strings.Contains(err.Error(), "urlFilter /a(/ is not a valid regular expression") {
		t.Errorf("bad regex error = %v", err)
	}
	if _, err := Parse("urlFilter", strings.Repeat("a", MaxFilterLen+1)); err == nil || !strings.Contains(err.Error(), "at most 1024") {
		t.Errorf("long filter error = %v", err)
	}
	m, _ := Parse("urlFilter", "/needle$/")
	long := "https://a.example/" + strings.Repeat("x", MaxMatchLen) + "needle"
	if m.Match(long) {
		t.Error("a regex looked past MaxMatchLen")
	}
}

// BenchmarkWorstFilter is a long pattern against a long URL: the cost a
// filter can add to every event is bounded.
func BenchmarkWorstFilter(b *testing.B) {
	m, err := Parse("urlFilter", "/"+strings.Repeat("(a|b)*c?", MaxFilterLen/8-1)+"/")
	if err != nil {
		b.Fatal(err)
	}
	u := strings.Repeat("ab", 1<<20)
	for b.Loop() {
		m.Match(u)
	}
}
