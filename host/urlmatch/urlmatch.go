// Package urlmatch is tabtap's one rule for URL filters: a filter is a
// substring, or a regular expression when written as /regex/ (Go RE2
// syntax). Patterns and the part of a URL they look at are bounded, so that
// no filter can stall the capture it runs in.
package urlmatch

import (
	"fmt"
	"regexp"
	"strings"
)

// Bounds on what a filter costs.
const (
	// MaxFilterLen is the longest filter accepted, in bytes.
	MaxFilterLen = 1024
	// MaxMatchLen is how much of a URL a filter looks at: longer URLs
	// (data: URLs, say) are matched on their first MaxMatchLen bytes.
	MaxMatchLen = 8 << 10
)

// Matcher matches URLs against one filter. The nil Matcher matches every
// URL.
type Matcher struct {
	text string
	sub  string
	re   *regexp.Regexp
}

// Parse compiles a filter. An empty filter gives the nil Matcher. name is
// the argument's name, used in errors ("urlFilter").
func Parse(name, filter string) (*Matcher, error) {
	if filter == "" {
		return nil, nil
	}
	sub, re, err := Compile(name, filter)
	if err != nil {
		return nil, err
	}
	return &Matcher{text: filter, sub: sub, re: re}, nil
}

// Compile applies the rule to a pattern for callers that need more than
// Match (where each match is, say): a regular expression when the
// pattern is written /regex/, else the substring itself. The pattern is
// bounded by MaxFilterLen; name is the argument's name, used in errors.
func Compile(name, pattern string) (sub string, re *regexp.Regexp, err error) {
	if len(pattern) > MaxFilterLen {
		return "", nil, fmt.Errorf("%s is %d bytes long; at most %d are accepted", name, len(pattern), MaxFilterLen)
	}
	if len(pattern) > 2 && strings.HasPrefix(pattern, "/") && strings.HasSuffix(pattern, "/") {
		re, err := regexp.Compile(pattern[1 : len(pattern)-1])
		if err != nil {
			return "", nil, fmt.Errorf("%s %s is not a valid regular expression: %w", name, pattern, err)
		}
		return "", re, nil
	}
	return pattern, nil, nil
}

// Match reports whether u passes the filter.
func (m *Matcher) Match(u string) bool {
	if m == nil {
		return true
	}
	if len(u) > MaxMatchLen {
		u = u[:MaxMatchLen]
	}
	if m.re != nil {
		return m.re.MatchString(u)
	}
	return strings.Contains(u, m.sub)
}

// String is the filter as it was given.
func (m *Matcher) String() string {
	if m == nil {
		return ""
	}
	return m.text
}
