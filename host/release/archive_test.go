package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"slices"
	"testing"
	"time"
)

var testEntries = []entry{{"tabtap", 0o755, []byte("binary")}, {"README.md", 0o644, []byte("# tabtap\n")}}

// The same entries give the same bytes, in whatever order they come, and
// read back as written: a folder, then the entries by name, with their
// modes and the time given.
func TestArchivesAreDeterministic(t *testing.T) {
	date := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	reversed := slices.Clone(testEntries)
	slices.Reverse(reversed)
	for name, pack := range map[string]func(string, []entry, time.Time) ([]byte, error){"tar.gz": tarGz, "zip": zipOf} {
		a, err := pack("top", testEntries, date)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := pack("top", reversed, date)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the order of the entries changes the bytes", name)
		}
		if c, _ := pack("top", testEntries, date.Add(time.Second)); bytes.Equal(a, c) {
			t.Errorf("%s: the time is not in the archive", name)
		}
		got := readArchive(t, name, a)
		want := []string{"top/ d rwxr-xr-x", "top/README.md - rw-r--r-- # tabtap\n", "top/tabtap - rwxr-xr-x binary"}
		if !slices.Equal(got.names, want) {
			t.Errorf("%s holds %q, want %q", name, got.names, want)
		}
		for _, m := range got.times {
			if !m.Equal(date) {
				t.Errorf("%s: time %v, want %v", name, m, date)
			}
		}
	}
}

type listing struct {
	names []string // "name type mode content"
	times []time.Time
}

func readArchive(t *testing.T, kind string, data []byte) listing {
	t.Helper()
	var l listing
	add := func(name string, mode fs.FileMode, content []byte, mtime time.Time) {
		typ := "-"
		if mode.IsDir() {
			typ = "d"
		}
		s := name + " " + typ + " " + mode.Perm().String()[1:]
		if len(content) > 0 {
			s += " " + string(content)
		}
		l.names = append(l.names, s)
		l.times = append(l.times, mtime)
	}
	if kind == "zip" {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			content, _ := io.ReadAll(rc)
			rc.Close()
			add(f.Name, f.Mode(), content, f.Modified)
		}
		return l
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return l
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: owner %d:%d %q:%q", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		content, _ := io.ReadAll(tr)
		add(h.Name, h.FileInfo().Mode(), content, h.ModTime)
	}
}
