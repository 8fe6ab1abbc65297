package nativehost

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testEnv describes a user of system goos whose home is a fresh temporary
// directory, with an empty environment, nothing on PATH and an empty
// registry.
func testEnv(t *testing.T, goos string) (Env, *fakeMachine) {
	t.Helper()
	m := &fakeMachine{vars: map[string]string{}, path: map[string]bool{}, reg: map[string]string{}}
	env := Env{
		OS:     goos,
		Home:   t.TempDir(),
		Getenv: func(k string) string { return m.vars[k] },
		LookPath: func(file string) (string, error) {
			if m.path[file] {
				return "/usr/bin/" + file, nil
			}
			return "", errors.New("not found")
		},
		Reg: m.runReg,
	}
	return env, m
}

// fakeMachine is the environment, PATH and registry of a testEnv.
type fakeMachine struct {
	vars     map[string]string
	path     map[string]bool
	reg      map[string]string // full key → default value
	regCalls []string
}

// runReg answers like reg.exe for add, query and delete of default values.
func (m *fakeMachine) runReg(_ context.Context, args ...string) ([]byte, error) {
	m.regCalls = append(m.regCalls, strings.Join(args, " "))
	if len(args) < 2 {
		return nil, errors.New("bad call")
	}
	key := args[1]
	switch args[0] {
	case "add":
		if len(args) != 8 || args[2] != "/ve" || args[3] != "/t" || args[4] != "REG_SZ" || args[5] != "/d" || args[7] != "/f" {
			return nil, fmt.Errorf("unexpected reg add %q", args)
		}
		m.reg[key] = args[6]
		return []byte("The operation completed successfully.\r\n"), nil
	case "query":
		v, ok := m.reg[key]
		if !ok {
			return []byte("ERROR: The system was unable to find the specified registry key or value.\r\n"), errors.New("exit status 1")
		}
		return []byte("\r\n" + key + "\r\n    (Default)    REG_SZ    " + v + "\r\n\r\n"), nil
	case "delete":
		if _, ok := m.reg[key]; !ok {
			return nil, errors.New("exit status 1")
		}
		delete(m.reg, key)
		return []byte("The operation completed successfully.\r\n"), nil
	}
	return nil, fmt.Errorf("unexpected reg %q", args)
}

// writeFile creates path (and its folders) with content and mode.
func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}
