package main

import (
	"bytes"
	"strings"
	"testing"
)

// `tabtap doctor` takes the installer's flags; bad ones exit 2 with the
// reason, -h describes them.
func TestDoctorFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"doctor", "-h"}, 0, "--client NAME"},
		{[]string{"doctor", "--client", "zed"}, 2, `unknown client "zed"`},
		{[]string{"doctor", "--browser", "firefox"}, 2, `unknown browser "firefox"`},
		{[]string{"doctor", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, strings.NewReader(""), &stdout, &stderr)
		if code != tt.code || !strings.Contains(stdout.String()+stderr.String(), tt.out) {
			t.Errorf("%q: exit %d, want %d with %q:\n%s%s", tt.args, code, tt.code, tt.out, stdout.String(), stderr.String())
		}
	}
}
