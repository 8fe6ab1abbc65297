package reproduce

import (
	"strings"
	"testing"
)

func TestFill(t *testing.T) {
	url := Field{Kind: "url"}
	for _, c := range []struct {
		f                        Field
		text, scrubbed, original string
		want, err                string
	}{
		// The same page again, another page: the token goes back in its place.
		{url, "https://a.test/x?page=2&token=[redacted]", "https://a.test/x?page=1&token=[redacted]", "https://a.test/x?page=1&token=s3cr3t-value", "https://a.test/x?page=2&token=s3cr3t-value", ""},
		{url, "https://a.test/x?page=1&token=[redacted]", "https://a.test/x?page=1&token=[redacted]", "https://a.test/x?page=1&token=s3cr3t-value", "https://a.test/x?page=1&token=s3cr3t-value", ""},
		// Parameters moved around keep their own values.
		{url, "https://a.test/?b=[redacted]&a=[redacted]", "https://a.test/?a=[redacted]&b=[redacted]", "https://a.test/?a=AAAA1111&b=BBBB2222", "https://a.test/?b=BBBB2222&a=AAAA1111", ""},
		// A marker where nothing was hidden is refused, not guessed.
		{url, "https://a.test/?q=[redacted]", "https://a.test/?token=[redacted]", "https://a.test/?token=t0k3n123", "", "hid nothing"},
		{url, "https://a.test/?page=2", "https://a.test/?token=[redacted]", "https://a.test/?token=t0k3n123", "https://a.test/?page=2", ""},
		{Field{Kind: "header", Name: "Cookie"}, "theme=light; sid=[redacted]", "sid=[redacted]; theme=dark", "sid=abc123def456; theme=dark", "theme=light; sid=abc123def456", ""},
		{Field{Kind: "header", Name: "Authorization"}, "Bearer [redacted]", "Bearer [redacted]", "Bearer eyJabc.def", "Bearer eyJabc.def", ""},
		{Field{Kind: "body", Name: "application/json"}, `{"page":2,"csrf":"[redacted]"}`, `{"csrf":"[redacted]","page":1}`, `{"csrf":"c5rf-t0ken","page":1}`, `{"page":2,"csrf":"c5rf-t0ken"}`, ""},
		{Field{Kind: "body", Name: "application/x-www-form-urlencoded"}, "a=1&password=[redacted]", "password=[redacted]&a=0", "password=hunter2hunter2&a=0", "a=1&password=hunter2hunter2", ""},
		// Two markers side by side cannot be told apart.
		{url, "https://a.test/?t=[redacted]", "https://a.test/?t=[redacted][redacted]", "https://a.test/?t=abcdefgh12345678", "", "cannot be lined up"},
	} {
		got, err := Fill(c.f, c.text, c.scrubbed, c.original)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("Fill(%q): %q, %v; want an error with %q", c.text, got, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("Fill(%q) = %q, %v; want %q", c.text, got, err, c.want)
		}
	}
}

func TestHiddenValues(t *testing.T) {
	for _, c := range []struct {
		scrubbed, original string
		want               []string
		ok                 bool
	}{
		{"a=[redacted]&b=[redacted]", "a=x1&b=y2", []string{"x1", "y2"}, true},
		{"[redacted]", "whole", []string{"whole"}, true},
		{"no secret", "no secret", nil, true},
		{"no secret", "other", nil, false},
		{"a=[redacted]", "b=1", nil, false},
		{"Bearer [redacted]", "Bearer ", []string{""}, true},
	} {
		got, ok := hiddenValues(c.scrubbed, c.original)
		if ok != c.ok || strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("hiddenValues(%q, %q) = %q, %v; want %q, %v", c.scrubbed, c.original, got, ok, c.want, c.ok)
		}
	}
}
