package nativehost

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The manifest of every browser goes where that browser documents its
// user-level NativeMessagingHosts folder, on each system.
func TestManifestPathsPerOS(t *testing.T) {
	tests := []struct {
		goos string
		vars map[string]string
		want map[string]string // browser → manifest path relative to home
	}{
		{"linux", nil, map[string]string{
			"chrome":   ".config/google-chrome/NativeMessagingHosts/dev.tabtap.host.json",
			"chromium": ".config/chromium/NativeMessagingHosts/dev.tabtap.host.json",
			"edge":     ".config/microsoft-edge/NativeMessagingHosts/dev.tabtap.host.json",
			"brave":    ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts/dev.tabtap.host.json",
			"vivaldi":  ".config/vivaldi/NativeMessagingHosts/dev.tabtap.host.json",
		}},
		{"linux", map[string]string{"XDG_CONFIG_HOME": "HOME/xdg"}, map[string]string{
			"chrome":  "xdg/google-chrome/NativeMessagingHosts/dev.tabtap.host.json",
			"vivaldi": "xdg/vivaldi/NativeMessagingHosts/dev.tabtap.host.json",
		}},
		{"linux", map[string]string{"XDG_CONFIG_HOME": "relative"}, map[string]string{
			"chrome": ".config/google-chrome/NativeMessagingHosts/dev.tabtap.host.json",
		}},
		{"darwin", nil, map[string]string{
			"chrome":   "Library/Application Support/Google/Chrome/NativeMessagingHosts/dev.tabtap.host.json",
			"chromium": "Library/Application Support/Chromium/NativeMessagingHosts/dev.tabtap.host.json",
			"edge":     "Library/Application Support/Microsoft Edge/NativeMessagingHosts/dev.tabtap.host.json",
			"brave":    "Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts/dev.tabtap.host.json",
			"vivaldi":  "Library/Application Support/Vivaldi/NativeMessagingHosts/dev.tabtap.host.json",
		}},
		{"windows", nil, map[string]string{
			"chrome": "AppData/Local/tabtap/dev.tabtap.host.json",
			"edge":   "AppData/Local/tabtap/dev.tabtap.host.json",
		}},
		{"windows", map[string]string{"LOCALAPPDATA": "HOME/lad"}, map[string]string{
			"brave": "lad/tabtap/dev.tabtap.host.json",
		}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.goos, tt.vars), func(t *testing.T) {
			env, m := testEnv(t, tt.goos)
			for k, v := range tt.vars {
				if v != "relative" {
					v = filepath.Join(env.Home, v[len("HOME/"):])
				}
				m.vars[k] = v
			}
			for name, rel := range tt.want {
				b, _ := LookupBrowser(name)
				got := browserTarget(env, b).ManifestPath
				if want := filepath.Join(env.Home, filepath.FromSlash(rel)); got != want {
					t.Errorf("%s: manifest at %s, want %s", name, got, want)
				}
			}
		})
	}
}

func TestWindowsRegistryKeys(t *testing.T) {
	env, _ := testEnv(t, "windows")
	want := map[string][]string{
		"chrome":   {`Software\Google\Chrome\NativeMessagingHosts`},
		"chromium": {`Software\Chromium\NativeMessagingHosts`, `Software\Google\Chrome\NativeMessagingHosts`},
		"edge":     {`Software\Microsoft\Edge\NativeMessagingHosts`},
		"brave":    {`Software\BraveSoftware\Brave-Browser\NativeMessagingHosts`},
		"vivaldi":  {`Software\Vivaldi\NativeMessagingHosts`, `Software\Google\Chrome\NativeMessagingHosts`},
	}
	for _, b := range Browsers() {
		if got := browserTarget(env, b).RegistryKeys; !slices.Equal(got, want[b.Name]) {
			t.Errorf("%s: keys %q, want %q", b.Name, got, want[b.Name])
		}
	}
	if got := hostKey(want["edge"][0]); got != `HKCU\Software\Microsoft\Edge\NativeMessagingHosts\dev.tabtap.host` {
		t.Errorf("hostKey = %s", got)
	}
	linux, _ := testEnv(t, "linux")
	if keys := browserTarget(linux, browsers[0]).RegistryKeys; keys != nil {
		t.Errorf("linux target has registry keys %q", keys)
	}
}

func TestDataLocationsPerOS(t *testing.T) {
	tests := []struct {
		goos           string
		vars           map[string]string
		binDir, extDir string // relative to home
		binary         string
	}{
		{"linux", nil, ".local/share/tabtap/bin", ".local/share/tabtap/extension", "tabtap"},
		{"linux", map[string]string{"XDG_DATA_HOME": "data"}, "data/tabtap/bin", "data/tabtap/extension", "tabtap"},
		{"darwin", nil, "Library/Application Support/tabtap/bin", "Library/Application Support/tabtap/extension", "tabtap"},
		{"windows", nil, "AppData/Local/tabtap/bin", "AppData/Local/tabtap/extension", "tabtap.exe"},
		{"windows", map[string]string{"LOCALAPPDATA": "lad"}, "lad/tabtap/bin", "lad/tabtap/extension", "tabtap.exe"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.goos, tt.vars), func(t *testing.T) {
			env, m := testEnv(t, tt.goos)
			for k, v := range tt.vars {
				m.vars[k] = filepath.Join(env.Home, v)
			}
			home := func(rel string) string { return filepath.Join(env.Home, filepath.FromSlash(rel)) }
			if got, err := DefaultBinDir(env); err != nil || got != home(tt.binDir) {
				t.Errorf("DefaultBinDir = %s, %v; want %s", got, err, home(tt.binDir))
			}
			if got, err := DefaultExtensionDir(env); err != nil || got != home(tt.extDir) {
				t.Errorf("DefaultExtensionDir = %s, %v; want %s", got, err, home(tt.extDir))
			}
			if got := BinaryName(env); got != tt.binary {
				t.Errorf("BinaryName = %s, want %s", got, tt.binary)
			}
			l, err := resolveLayout(env, Options{})
			if err != nil || l.binaryPath != filepath.Join(home(tt.binDir), tt.binary) || l.extensionDir != home(tt.extDir) {
				t.Errorf("default layout = %+v, %v", l, err)
			}
		})
	}
}

// With a chosen bin dir everything but the manifests stays inside it.
func TestLayoutWithChosenBinDir(t *testing.T) {
	env, _ := testEnv(t, "linux")
	bin := t.TempDir()
	l, err := resolveLayout(env, Options{BinDir: bin})
	if err != nil {
		t.Fatal(err)
	}
	if l.binaryPath != filepath.Join(bin, "tabtap") || l.extensionDir != filepath.Join(bin, "tabtap-extension") {
		t.Errorf("layout = %+v", l)
	}
	ext := t.TempDir()
	if l, _ := resolveLayout(env, Options{BinDir: bin, ExtensionDir: ext}); l.extensionDir != ext {
		t.Errorf("ExtensionDir ignored: %+v", l)
	}
}

func TestRuntimeDir(t *testing.T) {
	uid := fmt.Sprintf("tabtap-%d", os.Getuid())
	tests := []struct {
		goos string
		vars map[string]string
		want string
	}{
		{"linux", map[string]string{"TABTAP_RUNTIME_DIR": "/x/rt", "XDG_RUNTIME_DIR": "/run/user/1"}, "/x/rt"},
		{"linux", map[string]string{"XDG_RUNTIME_DIR": "/run/user/1"}, "/run/user/1/tabtap"},
		{"linux", map[string]string{"TMPDIR": "/var/tmp"}, "/var/tmp/" + uid},
		{"linux", nil, "/tmp/" + uid},
		{"darwin", map[string]string{"TMPDIR": "/var/folders/xy/T/", "XDG_RUNTIME_DIR": "/ignored"}, "/var/folders/xy/T/tabtap"},
		{"darwin", map[string]string{"TABTAP_RUNTIME_DIR": "/x/rt"}, "/x/rt"},
		{"windows", map[string]string{"LOCALAPPDATA": "/lad"}, "/lad/tabtap/run"},
	}
	for _, tt := range tests {
		env, m := testEnv(t, tt.goos)
		for k, v := range tt.vars {
			m.vars[k] = v
		}
		if got, err := RuntimeDir(env); err != nil || got != filepath.FromSlash(tt.want) {
			t.Errorf("%s %v: RuntimeDir = %s, %v; want %s", tt.goos, tt.vars, got, err, tt.want)
		}
	}
}
