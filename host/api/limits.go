package api

import "fmt"

// Every default and bound of tabtap's arguments is written here, once.
// The capture options (Settings.Resolve), the operations' checks and the
// tools' descriptions read them; so does the daemon when it checks the
// person's settings from the extension, and the extension's options page
// and lib/policy.js are held to them by a test
// (host/extension/policy_test.go).

// Capture options.
const (
	// DefaultMaxBodyBytes fits the bundles of real applications whole.
	DefaultMaxBodyBytes = 10 << 20
	// MaxMaxBodyBytes bounds maxBodyBytes: one body never holds more.
	MaxMaxBodyBytes = 64 << 20
	// DefaultMaxEntries is generous: the byte budget (maxTotalBytes) is
	// what bounds a capture's memory.
	DefaultMaxEntries = 1_000_000
	// DefaultMaxTotalBytes is a capture's byte budget: its records and
	// their contents together.
	DefaultMaxTotalBytes = 256 << 20
	// MinMaxTotalBytes and MaxMaxTotalBytes bound maxTotalBytes.
	MinMaxTotalBytes = 1 << 20
	MaxMaxTotalBytes = 2 << 30
)

// Result budgets, in bytes of everything a client receives for one tool
// result: its text and its structured content together.
const (
	DefaultResultBytes = 80_000
	MinResultBytes     = 4_000
	MaxResultBytes     = 16 << 20
)

// Bound is an integer argument's default and range.
type Bound struct {
	// Name is the argument's name, for messages.
	Name string
	// Default applies when the argument is left out.
	Default int64
	// Min and Max are the values accepted, both included; a Max of 0
	// means no upper bound.
	Min, Max int64
	// Bytes marks a size in bytes: messages say it in MiB or GiB too.
	Bytes bool
}

// The bounds of the arguments that take a number.
var (
	// BodyBytes is maxBodyBytes: the most kept of one body.
	BodyBytes = Bound{Name: "maxBodyBytes", Default: DefaultMaxBodyBytes, Min: 0, Max: MaxMaxBodyBytes, Bytes: true}
	// TotalBytes is maxTotalBytes: a capture's byte budget.
	TotalBytes = Bound{Name: "maxTotalBytes", Default: DefaultMaxTotalBytes, Min: MinMaxTotalBytes, Max: MaxMaxTotalBytes, Bytes: true}
	// Entries is maxEntries (and maxCaptures): the most requests, and
	// apart the most frames and stream items, a capture keeps.
	Entries = Bound{Name: "maxEntries", Default: DefaultMaxEntries, Min: 1}
	// ResultBytes is maxResultBytes: the most bytes of one tool result.
	ResultBytes = Bound{Name: "maxResultBytes", Default: DefaultResultBytes, Min: MinResultBytes, Max: MaxResultBytes}
	// PageRows is get_network_capture_data's limit: rows in a page.
	PageRows = Bound{Name: "limit", Default: 25, Min: 1, Max: 500}
	// Items is get_request's limit: frames or stream items in a page.
	Items = Bound{Name: "limit", Default: 50, Min: 1, Max: 1000}
	// SearchMatches is search_network_capture's limit: matches in a page.
	SearchMatches = Bound{Name: "limit", Default: 20, Min: 1, Max: 500}
	// WaitSeconds is wait_for_request's timeoutSeconds.
	WaitSeconds = Bound{Name: "timeoutSeconds", Default: 30, Min: 1, Max: 300}
	// SendSeconds is send_request's timeoutSeconds: the whole exchange.
	SendSeconds = Bound{Name: "timeoutSeconds", Default: 30, Min: 1, Max: 300}
)

// Check refuses a value out of range with a sentence naming the argument.
func (b Bound) Check(v int64) error { return b.CheckAs(b.Name, v) }

// CheckAs is Check for an argument of another name with the same bound
// (maxCaptures is maxEntries).
func (b Bound) CheckAs(name string, v int64) error {
	if v >= b.Min && (b.Max == 0 || v <= b.Max) {
		return nil
	}
	if b.Max == 0 {
		return fmt.Errorf("%s must be at least %s, not %d", name, b.say(b.Min), v)
	}
	return fmt.Errorf("%s must be between %s and %s, not %d", name, b.say(b.Min), b.say(b.Max), v)
}

// Or returns *p, checked, or the default when p is nil.
func (b Bound) Or(p *int) (int, error) {
	if p == nil {
		return int(b.Default), nil
	}
	return *p, b.Check(int64(*p))
}

// say writes a value for a message: sizes of a whole number of MiB also
// in MiB or GiB.
func (b Bound) say(v int64) string {
	if !b.Bytes || v < 1<<20 || v%(1<<20) != 0 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%d (%s)", v, Size(v))
}

// Size says a whole number of MiB as people read it: "10 MiB", "2 GiB".
func Size(v int64) string {
	if v >= 1<<30 && v%(1<<30) == 0 {
		return fmt.Sprintf("%d GiB", v>>30)
	}
	return fmt.Sprintf("%d MiB", v>>20)
}
