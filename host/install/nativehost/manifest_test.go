package nativehost

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNewManifest(t *testing.T) {
	const store = "abcdefghijklmnopabcdefghijklmnop"
	m, err := NewManifest("/opt/tabtap/tabtap", store, ExtensionID, store)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "dev.tabtap.host" || m.Type != "stdio" || m.Path != "/opt/tabtap/tabtap" || m.Description == "" {
		t.Errorf("manifest = %+v", m)
	}
	want := []string{"chrome-extension://neifaegcdjegkdnloapedeohonbfdkcc/", "chrome-extension://" + store + "/"}
	if !slices.Equal(m.AllowedOrigins, want) {
		t.Errorf("allowed_origins = %q, want %q", m.AllowedOrigins, want)
	}
}

func TestNewManifestRejects(t *testing.T) {
	if _, err := NewManifest("tabtap"); err == nil {
		t.Error("a relative binary path was accepted")
	}
	for _, id := range []string{"", "neifaegcdjegkdnloapedeohonbfdkc", "neifaegcdjegkdnloapedeohonbfdkcz", "NEIFAEGCDJEGKDNLOAPEDEOHONBFDKCC"} {
		if _, err := NewManifest("/bin/tabtap", id); err == nil {
			t.Errorf("extension ID %q was accepted", id)
		}
	}
}

func TestWriteManifest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "NativeMessagingHosts", "dev.tabtap.host.json")
	m, err := NewManifest("/home/u/.local/share/tabtap/bin/tabtap")
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteManifest(path, m); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	want := map[string]any{
		"name":            "dev.tabtap.host",
		"description":     m.Description,
		"path":            "/home/u/.local/share/tabtap/bin/tabtap",
		"type":            "stdio",
		"allowed_origins": []any{"chrome-extension://neifaegcdjegkdnloapedeohonbfdkcc/"},
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("manifest = %s, want %s", gotJSON, wantJSON)
	}
	back, err := ReadManifest(path)
	if err != nil || back.Path != m.Path {
		t.Errorf("ReadManifest = %+v, %v", back, err)
	}
}

// An existing manifest is replaced by a new file, never rewritten in place,
// and no temporary file is left behind.
func TestWriteManifestReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dev.tabtap.host.json")
	writeFile(t, path, "old", 0o600)
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	m, _ := NewManifest("/bin/tabtap")
	if err := WriteManifest(path, m); err != nil {
		t.Fatal(err)
	}
	assertReplaced(t, old, path, "old")
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", fi.Mode().Perm())
	}
	assertOnlyFiles(t, dir, "dev.tabtap.host.json")
}

// assertReplaced checks that old (opened on path before) still reads
// oldContent and that path is now another file.
func assertReplaced(t *testing.T, old *os.File, path, oldContent string) {
	t.Helper()
	buf := make([]byte, 64)
	n, _ := old.ReadAt(buf, 0)
	if string(buf[:n]) != oldContent {
		t.Errorf("the old file changed under its reader: %q", buf[:n])
	}
	oldInfo, err := old.Stat()
	if err != nil {
		t.Fatal(err)
	}
	newInfo, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(oldInfo, newInfo) {
		t.Error("the file was rewritten in place")
	}
}

// assertOnlyFiles checks that dir holds exactly names.
func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}
