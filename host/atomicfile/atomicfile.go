// Package atomicfile writes files so that a reader sees the old content or
// the new, never half of one: registrations, saved captures, exports and
// native-host manifests.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// Write writes data to a temporary file beside path with mode perm,
// flushes it, and renames it over path.
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, true, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc writes what write produces to a temporary file beside path
// with mode perm, flushes it, and moves it to path. With replace false an
// existing path is left alone and the error wraps fs.ErrExist: the new
// file appears whole or not at all, and never in place of another.
func WriteFunc(path string, perm os.FileMode, replace bool, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	bw := bufio.NewWriterSize(f, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && runtime.GOOS != "windows" {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if replace {
			err = os.Rename(tmp, path)
		} else {
			// A hard link fails when path exists, where a rename would
			// replace it.
			err = os.Link(tmp, path)
			os.Remove(tmp)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
