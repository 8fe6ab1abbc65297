// Package nativehost installs tabtap's native-messaging host for the
// Chromium-family browsers of the person running it: it puts the host
// binary in a stable per-user place (replacing an older one while it
// runs), writes the extension it carries beside it, writes the host
// manifest (dev.tabtap.host) where each browser looks for it (on Windows,
// through the registry), and undoes or diagnoses all of that. It needs no
// Go toolchain: `tabtap install` runs it from the binary it installs.
//
// Every location the installer knows is in one table (browsers.go) and one
// set of path rules (paths.go); the machine it reads (operating system, home
// directory, environment, PATH, the registry) comes through an [Env], so
// tests can describe a Linux, macOS or Windows user without touching the
// real home directory.
//
// The end-to-end tests of the host use it to register a freshly built
// binary into a temporary Chromium profile:
//
//	res, err := nativehost.Install(ctx, nativehost.Options{
//		UserDataDirs: []string{profileDir},
//		BinDir:       t.TempDir(),
//		Binary:       built,
//	})
//	// res.BinaryPath is the installed host, res.ExtensionDir the folder to load.
//
// It is not the host: it knows nothing of the native-messaging protocol or
// of the daemon's registration files beyond counting them, and it never
// writes system-wide locations (/etc, /Library, HKLM). It prints nothing by
// itself: progress goes to [Options.Out], reports come back as values.
package nativehost
