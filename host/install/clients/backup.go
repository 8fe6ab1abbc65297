package clients

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/atomicfile"
)

// backupInfix separates a configuration file's name from the time of its
// backup: mcp.json.tabtap-backup-20261201-153012.
const backupInfix = ".tabtap-backup-"

// stampLayout is the time in a backup's name.
const stampLayout = "20060102-150405"

// now is the clock backups are named by.
var now = time.Now

// writeConfig replaces the file at path, whose content was old (existed is
// false for a file that was not there), by data. It first writes old to a
// new backup beside it, and refuses to write when the file changed since it
// was read (the client itself may be saving it).
func writeConfig(path string, old []byte, existed bool, data []byte) (backup string, err error) {
	perm := fs.FileMode(0o600) // a configuration may hold other servers' secrets
	if existed {
		fi, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("write %s: %w", path, err)
		}
		perm = fi.Mode().Perm()
		if backup, err = writeBackup(path, old, perm); err != nil {
			return "", err
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	cur, still, err := readConfig(path)
	if err != nil {
		return backup, err
	}
	if still != existed || !bytes.Equal(cur, old) {
		return backup, fmt.Errorf("%s changed while the installer was editing it (is the client saving it?); run the installer again", path)
	}
	if err := atomicfile.Write(path, data, perm); err != nil {
		return backup, err
	}
	return backup, nil
}

// writeBackup writes data to a new file beside path named after the time.
func writeBackup(path string, data []byte, perm fs.FileMode) (string, error) {
	base := path + backupInfix + now().Format(stampLayout)
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			name = base + "-" + strconv.Itoa(n)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && n < 100 {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("back up %s: %w", path, err)
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(name)
			return "", fmt.Errorf("back up %s: %w", path, err)
		}
		return name, nil
	}
}

// backups lists the backups of path, newest first.
func backups(path string) []string {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return nil
	}
	prefix := filepath.Base(path) + backupInfix
	type backup struct {
		path  string
		stamp string
		n     int
	}
	var list []backup
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		// rest is the time, then "-N" for the Nth backup of the same second.
		stamp, n := rest, 1
		if len(rest) > len(stampLayout)+1 {
			stamp = rest[:len(stampLayout)]
			n, _ = strconv.Atoi(rest[len(stampLayout)+1:])
		}
		list = append(list, backup{filepath.Join(filepath.Dir(path), e.Name()), stamp, n})
	}
	slices.SortFunc(list, func(a, b backup) int {
		if c := strings.Compare(b.stamp, a.stamp); c != 0 {
			return c
		}
		return b.n - a.n
	})
	out := make([]string, len(list))
	for i, b := range list {
		out[i] = b.path
	}
	return out
}
