// Package reproducetest runs the code package reproduce writes, for
// tests: with sh, node or python3, in a folder of the test's, its
// variables set, as a person would run it.
package reproducetest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tools run each language's code.
var Tools = map[string]string{"curl": "sh", "fetch": "node", "python": "python3"}

// Run runs code written in lang in dir, with env added to its
// environment (HOME is dir), and returns the status of the answer it got
// and what it printed. curl is asked to print the status, as the other
// two do on their own. A program that fails or takes over a minute fails
// the test.
func Run(t testing.TB, dir, lang, code string, env map[string]string) (status int, stdout, stderr string) {
	t.Helper()
	tool, ok := Tools[lang]
	if !ok {
		t.Fatalf("no tool runs %q", lang)
	}
	if lang == "curl" {
		code = strings.TrimSuffix(code, "\n") + " \\\n  -sS -w '%{stderr}%{http_code}\\n'\n"
	}
	file := filepath.Join(dir, "request")
	if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(file)
	cmd := exec.Command(tool, file)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s failed: %v\n%s\n%s", tool, err, errb.String(), code)
		}
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not finish within a minute", tool)
	}
	status, _ = strconv.Atoi(strings.Fields(errb.String() + " 0")[0])
	return status, out.String(), errb.String()
}
