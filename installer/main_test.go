package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/installer/nativehost"
)

func TestFlags(t *testing.T) {
	cfg, err := parseFlags(nativehost.Env{}, []string{"--browser", "Chrome", "--browser=edge", "--user-data-dir", "/tmp/p", "--bin-dir", "/tmp/b",
		"--extension-id", "abcdefghijklmnopabcdefghijklmnop", "--check"})
	if err != nil {
		t.Fatal(err)
	}
	o := cfg.opts.Host
	if strings.Join(o.Browsers, ",") != "Chrome,edge" || strings.Join(o.UserDataDirs, ",") != "/tmp/p" || o.BinDir != "/tmp/b" ||
		len(o.ExtensionIDs) != 1 || !cfg.check || cfg.uninstall {
		t.Errorf("config = %+v", cfg)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // expected in stdout (code 0) or stderr
	}{
		{[]string{"-h"}, exitOK, "Usage: go run ./installer"},
		{[]string{"--help"}, exitOK, "--user-data-dir DIR"},
		{[]string{"--nope"}, exitBadFlags, "flag provided but not defined"},
		{[]string{"--browser", "firefox"}, exitBadFlags, "unknown browser \"firefox\": use one of chrome, chromium, edge, brave, vivaldi"},
		{[]string{"--extension-id", "x"}, exitBadFlags, "extension ID \"x\" is not valid"},
		{[]string{"--check", "--uninstall"}, exitBadFlags, "separately"},
		{[]string{"extra"}, exitBadFlags, "unexpected argument"},
		{[]string{"--user-data-dir="}, exitBadFlags, "needs a directory"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), nativehost.Env{}, tt.args, &stdout, &stderr)
		got := stdout.String()
		if code != exitOK {
			got = stderr.String()
		}
		if code != tt.code || !strings.Contains(got, tt.out) {
			t.Errorf("%q: exit %d, want %d; output lacks %q:\n%s", tt.args, code, tt.code, tt.out, got)
		}
	}
}

// --check against an empty profile reports the missing manifest and exits 1.
func TestCheckExitCode(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), nativehost.Env{}, []string{"--check", "--user-data-dir", t.TempDir(), "--bin-dir", t.TempDir()}, &stdout, &stderr)
	if code != exitError || !strings.Contains(stdout.String(), "manifest missing") || !strings.Contains(stdout.String(), "fix:") {
		t.Errorf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
}

func TestNextSteps(t *testing.T) {
	var out bytes.Buffer
	res := &nativehost.Result{
		BinaryPath:     "/home/u/Library/Application Support/tabtap/bin/tabtap",
		ExtensionDir:   "/home/u/ext",
		NoBrowserFound: true,
	}
	printNextSteps(&out, nativehost.Env{}, res, clientOutcome{}, "go run ./installer --check")
	s := out.String()
	for _, want := range []string{
		"No browser found",
		"--user-data-dir DIR",
		"Load unpacked → /home/u/ext",
		"neifaegcdjegkdnloapedeohonbfdkcc",
		"claude mcp add tabtap -- " + nativehost.QuoteArg(nativehost.Env{}, res.BinaryPath) + " mcp",
		`{"mcpServers": {"tabtap": {"command": "/home/u/Library/Application Support/tabtap/bin/tabtap", "args": ["mcp"]}}}`,
		`{"servers": {"tabtap": {"type": "stdio", "command": "/home/u/Library/Application Support/tabtap/bin/tabtap", "args": ["mcp"]}}}`,
		"go run ./installer --check",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("next steps lack %q:\n%s", want, s)
		}
	}
}
