package nativehost

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// PlaceBinary puts a copy of the host binary src at dst, the path browsers
// and MCP clients start. It writes the copy beside dst and renames it over
// dst, so that a daemon or a `tabtap mcp` still running the previous
// binary keeps its file (on Unix a running process holds the old inode)
// and nothing ever starts half a binary. Windows refuses to replace a
// running executable but lets it be renamed: there the previous binary is
// moved aside first (dst.old-N), and removed by a later install or by the
// daemon's next start, once nothing runs it. When src is dst already (an
// installed binary installing itself again), nothing is copied.
func PlaceBinary(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("create the bin dir: %w", err)
	}
	RemoveAsides(dst)
	if same(src, dst) {
		return nil
	}
	tmp, err := copyBeside(src, dst)
	if err != nil {
		return fmt.Errorf("copy the host binary %s beside %s: %w", src, dst, err)
	}
	if err := replaceFile(tmp, dst, runtime.GOOS == "windows", os.Rename); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("put the host binary in place at %s: %w", dst, err)
	}
	return nil
}

// RemoveAsides removes the binaries an upgrade on Windows moved aside from
// dst, except those still running (Windows refuses to delete them; they
// go at a later call).
func RemoveAsides(dst string) {
	for _, a := range asides(dst) {
		os.Remove(a)
	}
}

// asides lists the binaries moved aside from dst.
func asides(dst string) []string {
	entries, _ := os.ReadDir(filepath.Dir(dst))
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), filepath.Base(dst)+".old-") {
			out = append(out, filepath.Join(filepath.Dir(dst), e.Name()))
		}
	}
	return out
}

// same tells whether a and b are one file.
func same(a, b string) bool {
	ai, err := os.Stat(a)
	if err != nil {
		return false
	}
	bi, err := os.Stat(b)
	return err == nil && os.SameFile(ai, bi)
}

// copyBeside copies src to a new executable file in dst's folder and
// returns its path.
func copyBeside(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+"-new-")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(out.Name(), 0o755)
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// replaceFile renames src over dst. On Windows, when dst cannot be
// replaced (it runs), dst is first renamed aside.
func replaceFile(src, dst string, windows bool, rename func(from, to string) error) error {
	err := rename(src, dst)
	if err == nil || !windows {
		return err
	}
	aside := fmt.Sprintf("%s.old-%d", dst, time.Now().UnixNano())
	if aerr := rename(dst, aside); aerr != nil {
		return errors.Join(err, fmt.Errorf("move the running binary aside: %w", aerr))
	}
	if err := rename(src, dst); err != nil {
		rename(aside, dst) // put the previous binary back
		return err
	}
	return nil
}
