package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGuardHTTP(t *testing.T) {
	const token, port = "the-token", 8765
	h := guardHTTP(token, port, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	for _, c := range []struct {
		name, host, origin, auth string
		want                     int
	}{
		{"token, no Origin", "127.0.0.1:8765", "", "Bearer the-token", http.StatusTeapot},
		{"localhost", "localhost:8765", "", "Bearer the-token", http.StatusTeapot},
		{"IPv6", "[::1]:8765", "", "Bearer the-token", http.StatusTeapot},
		{"same-server Origin", "127.0.0.1:8765", "http://127.0.0.1:8765", "Bearer the-token", http.StatusTeapot},
		{"no token", "127.0.0.1:8765", "", "", http.StatusUnauthorized},
		{"wrong token", "127.0.0.1:8765", "", "Bearer nope", http.StatusUnauthorized},
		{"token without Bearer", "127.0.0.1:8765", "", "the-token", http.StatusUnauthorized},
		{"foreign Origin", "127.0.0.1:8765", "https://evil.example", "Bearer the-token", http.StatusForbidden},
		{"Origin of another port", "127.0.0.1:8765", "http://127.0.0.1:3000", "Bearer the-token", http.StatusForbidden},
		{"null Origin", "127.0.0.1:8765", "null", "Bearer the-token", http.StatusForbidden},
		{"foreign Host (DNS rebinding)", "evil.example:8765", "", "Bearer the-token", http.StatusForbidden},
		{"Host of another port", "127.0.0.1:9999", "", "Bearer the-token", http.StatusForbidden},
		{"Host without port", "localhost", "", "Bearer the-token", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodPost, "http://"+c.host+"/mcp", strings.NewReader("{}"))
		req.Host = c.host
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s: %d %q, want %d", c.name, rec.Code, rec.Body.String(), c.want)
		}
	}
}

func TestHTTPToken(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == envHTTPToken {
				return v
			}
			return ""
		}
	}
	if got, err := httpToken("", env(" from-env \n")); err != nil || got != "from-env" {
		t.Errorf("from the environment: %q %v", got, err)
	}
	if got, err := httpToken("", env("")); err != nil || got != "" {
		t.Errorf("none: %q %v", got, err)
	}
	dir := t.TempDir()
	private := filepath.Join(dir, "token")
	os.WriteFile(private, []byte("from-file\n"), 0o600)
	if got, err := httpToken(private, env("from-env")); err != nil || got != "from-file" {
		t.Errorf("from a file: %q %v", got, err)
	}
	open := filepath.Join(dir, "open")
	os.WriteFile(open, []byte("x"), 0o644)
	if _, err := httpToken(open, env("")); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a file others can read: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	if _, err := httpToken(empty, env("")); err == nil {
		t.Error("an empty file was accepted")
	}
	if _, err := httpToken(filepath.Join(dir, "missing"), env("")); err == nil {
		t.Error("a missing file was accepted")
	}
}

func TestTokenOnTheCommandLineIsRefused(t *testing.T) {
	var stderr strings.Builder
	if code := run([]string{"mcp", "--http", "127.0.0.1:0", "--token", "abc"}, nil, &stderr, &stderr); code != 2 || !strings.Contains(stderr.String(), "--token-file") || !strings.Contains(stderr.String(), envHTTPToken) {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}
