// Package buildinfo holds tabtap's version: the one string the binary
// prints, registers with its socket, sends the extension in welcome, and
// writes as the creator of every HAR file, whichever part makes it.
package buildinfo

// Version is tabtap's version, set at build time with
//
//	-ldflags "-X github.com/tabtap/tabtap/host/buildinfo.Version=…"
var Version = "0.1.0-dev"
