package main

import (
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/tabtap/tabtap/host/install/nativehost"
)

// version and commit are stamped by a release build (package
// host/release): -ldflags "-X main.version=0.2.0 -X main.commit=…". Left
// empty, init finds them: the module's version for `go install
// …/host/cmd/tabtap@v0.2.0`, else the extension manifest's marked -dev (a
// build from a checkout), and the VCS revision the go command recorded.
// version is the one tabtap version: the daemon registers it and sends it
// in welcome, `tabtap install` writes it into the extension's manifest,
// HAR files name it as their creator.
var version, commit string

func init() {
	info, _ := debug.ReadBuildInfo()
	if version == "" {
		version = moduleVersion(info)
	}
	if commit == "" {
		commit = vcsRevision(info)
	}
}

// releaseVersion is a module version from a tag, not a pseudo-version the
// go command makes up for an untagged commit.
var (
	releaseVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)
	pseudoVersion  = regexp.MustCompile(`[0-9]{14}-[0-9a-f]{12}$`)
)

// moduleVersion is the version of the tabtap module this binary was built
// from when it was a tagged one, else the extension's version marked -dev.
func moduleVersion(info *debug.BuildInfo) string {
	if info != nil && releaseVersion.MatchString(info.Main.Version) && !pseudoVersion.MatchString(info.Main.Version) {
		return strings.TrimPrefix(info.Main.Version, "v")
	}
	v, err := nativehost.ExtensionVersion(nativehost.ExtensionFiles())
	if err != nil {
		return "0.0.0-dev"
	}
	return v + "-dev"
}

// vcsRevision is the commit the go command recorded, "-dirty" when the
// checkout had changes; "" when it recorded none.
func vcsRevision(info *debug.BuildInfo) string {
	if info == nil {
		return ""
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" && dirty {
		rev += "-dirty"
	}
	return rev
}

// versionLine is what `tabtap version` prints.
func versionLine() string {
	c := commit
	if c == "" {
		c = "unknown"
	}
	return "tabtap " + version + " (commit " + c + ", " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
