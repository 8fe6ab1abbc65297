package nativehost

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/tabtap/tabtap/host/atomicfile"
)

// recordFile is the file beside the host binary where Install lists the
// folders it made (a NativeMessagingHosts folder, a browser's folder for
// a browser not yet run, the data folder and its parents), so that
// Uninstall removes those once empty, and no folder that was there
// before.
const recordFile = "tabtap-install.json"

// record is the content of recordFile.
type record struct {
	// CreatedDirs are the folders installs made, absolute.
	CreatedDirs []string `json:"createdDirs"`
}

// missingDirs lists the folders that do not exist yet among each path and
// its parents: what creating the paths will make.
func missingDirs(paths ...string) []string {
	var out []string
	for _, p := range paths {
		for d := filepath.Clean(p); ; d = filepath.Dir(d) {
			if _, err := os.Lstat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
				break
			}
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return out
}

// readRecord reads the record of the installation whose binary is in
// binDir; an installation without one (made before records were kept)
// reads as empty.
func readRecord(binDir string) record {
	var r record
	if data, err := os.ReadFile(filepath.Join(binDir, recordFile)); err == nil {
		_ = json.Unmarshal(data, &r)
	}
	return r
}

// addToRecord adds dirs to the record in binDir.
func addToRecord(binDir string, dirs []string) error {
	r := readRecord(binDir)
	for _, d := range dirs {
		if !slices.Contains(r.CreatedDirs, d) {
			r.CreatedDirs = append(r.CreatedDirs, d)
		}
	}
	slices.Sort(r.CreatedDirs)
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(binDir, recordFile), append(data, '\n'), 0o644)
}

// deepestFirst orders folders so that each comes before its parents.
func deepestFirst(dirs []string) []string {
	out := slices.Clone(dirs)
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}
