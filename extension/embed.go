// Package extension carries tabtap's browser extension inside the Go
// module, so that the tabtap binary holds it and writes it out at install
// time: no checkout and no build step are needed to load it.
//
// The extension itself is plain JavaScript, HTML and CSS, loaded by the
// browser as it is in this folder; this file only embeds it. What a
// browser should not load (tests, package.json, this file) is embedded too
// and left out when the files are written (host/install/nativehost).
package extension

import (
	"embed"
	"io/fs"
)

//go:embed *
var files embed.FS

// Files is the extension folder as it is in the source, tests included.
func Files() fs.FS { return files }
