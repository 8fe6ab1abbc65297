package nativehost

import (
	"os"
	"path/filepath"
	"strings"
)

// Browser is one row of the table of browsers the installer knows: where
// each keeps its user data (and so its NativeMessagingHosts folder) on each
// system, and how to tell it is installed.
type Browser struct {
	// Name is the short name used with --browser: chrome, chromium, edge,
	// brave or vivaldi.
	Name string
	// Title is the name people know the browser by.
	Title string
	// LinuxDir is the user data directory under $XDG_CONFIG_HOME (else
	// ~/.config). Its NativeMessagingHosts folder holds user-level host
	// manifests.
	LinuxDir string
	// LinuxCommands are executables whose presence on PATH means the browser
	// is installed even if it never ran.
	LinuxCommands []string
	// MacDir is the user data directory under ~/Library/Application Support.
	MacDir string
	// MacApp is the application bundle looked for in /Applications and
	// ~/Applications.
	MacApp string
	// WindowsDir is the user data directory under %LOCALAPPDATA%; it only
	// tells that the browser is installed, manifests are found through the
	// registry.
	WindowsDir string
	// WindowsKeys are the keys under HKEY_CURRENT_USER whose subkey
	// dev.tabtap.host has the manifest's path as its default value. Chromium
	// and Vivaldi read Chrome's key as well as their own, so both are set.
	WindowsKeys []string
}

const (
	chromeKey = `Software\Google\Chrome\NativeMessagingHosts`
)

// browsers is the table. The Linux and macOS folders are the user-level
// manifest locations each browser documents; system-wide ones are never
// written.
var browsers = []Browser{
	{
		Name:          "chrome",
		Title:         "Google Chrome",
		LinuxDir:      "google-chrome",
		LinuxCommands: []string{"google-chrome", "google-chrome-stable"},
		MacDir:        "Google/Chrome",
		MacApp:        "Google Chrome.app",
		WindowsDir:    `Google\Chrome\User Data`,
		WindowsKeys:   []string{chromeKey},
	},
	{
		Name:          "chromium",
		Title:         "Chromium",
		LinuxDir:      "chromium",
		LinuxCommands: []string{"chromium", "chromium-browser"},
		MacDir:        "Chromium",
		MacApp:        "Chromium.app",
		WindowsDir:    `Chromium\User Data`,
		WindowsKeys:   []string{`Software\Chromium\NativeMessagingHosts`, chromeKey},
	},
	{
		Name:          "edge",
		Title:         "Microsoft Edge",
		LinuxDir:      "microsoft-edge",
		LinuxCommands: []string{"microsoft-edge", "microsoft-edge-stable"},
		MacDir:        "Microsoft Edge",
		MacApp:        "Microsoft Edge.app",
		WindowsDir:    `Microsoft\Edge\User Data`,
		WindowsKeys:   []string{`Software\Microsoft\Edge\NativeMessagingHosts`},
	},
	{
		Name:          "brave",
		Title:         "Brave",
		LinuxDir:      "BraveSoftware/Brave-Browser",
		LinuxCommands: []string{"brave-browser", "brave"},
		MacDir:        "BraveSoftware/Brave-Browser",
		MacApp:        "Brave Browser.app",
		WindowsDir:    `BraveSoftware\Brave-Browser\User Data`,
		WindowsKeys:   []string{`Software\BraveSoftware\Brave-Browser\NativeMessagingHosts`},
	},
	{
		Name:          "vivaldi",
		Title:         "Vivaldi",
		LinuxDir:      "vivaldi",
		LinuxCommands: []string{"vivaldi", "vivaldi-stable"},
		MacDir:        "Vivaldi",
		MacApp:        "Vivaldi.app",
		WindowsDir:    `Vivaldi\User Data`,
		WindowsKeys:   []string{`Software\Vivaldi\NativeMessagingHosts`, chromeKey},
	},
}

// Browsers returns the table of known browsers, in the order the installer
// reports them.
func Browsers() []Browser {
	out := make([]Browser, len(browsers))
	copy(out, browsers)
	return out
}

// BrowserNames returns the short names --browser accepts.
func BrowserNames() []string {
	names := make([]string, len(browsers))
	for i, b := range browsers {
		names[i] = b.Name
	}
	return names
}

// LookupBrowser finds a browser by its short name, ignoring case.
func LookupBrowser(name string) (Browser, bool) {
	for _, b := range browsers {
		if strings.EqualFold(b.Name, strings.TrimSpace(name)) {
			return b, true
		}
	}
	return Browser{}, false
}

// userDataDir is where b keeps its profiles for the user env describes.
func (b Browser) userDataDir(env Env) string {
	switch {
	case env.windows():
		return filepath.Join(localAppData(env), filepath.FromSlash(strings.ReplaceAll(b.WindowsDir, `\`, "/")))
	case env.macOS():
		return filepath.Join(env.Home, "Library", "Application Support", filepath.FromSlash(b.MacDir))
	default:
		return filepath.Join(configHome(env), filepath.FromSlash(b.LinuxDir))
	}
}

// installed tells whether b is on the machine env describes: its user data
// directory exists, or (Linux) one of its commands is on PATH, or (macOS) its
// application bundle is in an Applications folder.
func (b Browser) installed(env Env) bool {
	if isDir(b.userDataDir(env)) {
		return true
	}
	switch {
	case env.windows():
		return false
	case env.macOS():
		for _, dir := range []string{"/Applications", filepath.Join(env.Home, "Applications")} {
			if isDir(filepath.Join(dir, b.MacApp)) {
				return true
			}
		}
		return false
	default:
		for _, cmd := range b.LinuxCommands {
			if _, err := env.LookPath(cmd); err == nil {
				return true
			}
		}
		return false
	}
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
