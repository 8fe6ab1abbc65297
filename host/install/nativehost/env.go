package nativehost

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

// Env is the machine the installer reads and writes: which operating system
// it runs on, the user's home directory, the environment, what is on PATH
// and the Windows registry. The zero Env is the real machine; tests fill it
// in to describe another one.
type Env struct {
	// OS is a GOOS value ("linux", "darwin", "windows"); empty means
	// runtime.GOOS. Other systems are treated like Linux.
	OS string
	// Home is the user's home directory; empty means os.UserHomeDir().
	Home string
	// Getenv reads an environment variable; nil means os.Getenv.
	Getenv func(key string) string
	// LookPath finds an executable on PATH; nil means exec.LookPath.
	LookPath func(file string) (string, error)
	// Reg runs reg.exe with the given arguments and returns its combined
	// output; nil means running the real reg.exe. Only used when OS is
	// "windows".
	Reg func(ctx context.Context, args ...string) ([]byte, error)
}

// Resolve returns e with every empty field set from the real machine.
func (e Env) Resolve() (Env, error) { return e.resolve() }

// GOOS is the system e describes: OS, else runtime.GOOS.
func (e Env) GOOS() string { return e.goos() }

// resolve returns e with every empty field set from the real machine.
func (e Env) resolve() (Env, error) {
	if e.OS == "" {
		e.OS = runtime.GOOS
	}
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.LookPath == nil {
		e.LookPath = exec.LookPath
	}
	if e.Reg == nil {
		e.Reg = func(ctx context.Context, args ...string) ([]byte, error) {
			return exec.CommandContext(ctx, "reg.exe", args...).CombinedOutput()
		}
	}
	if e.Home == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return e, fmt.Errorf("find the home directory: %w", err)
		}
		e.Home = home
	}
	return e, nil
}

// goos is the system e describes, even before resolve.
func (e Env) goos() string {
	if e.OS == "" {
		return runtime.GOOS
	}
	return e.OS
}

func (e Env) windows() bool { return e.goos() == "windows" }
func (e Env) macOS() bool   { return e.goos() == "darwin" }
