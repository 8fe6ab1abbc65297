package daemon

import (
	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
)

// welcome answers the extension's hello with the daemon's versions, and
// checks the extension's protocol version: with another one, every
// operation fails with version_mismatch and says which part to update,
// rather than half-work on messages the two sides read differently.
func (d *Daemon) welcome(h extension.Hello) {
	var mismatch *api.Error
	if h.ProtocolVersion != extension.ProtocolVersion {
		mismatch = versionMismatch(h, d.opts.Version)
		d.log.Error("the extension speaks another protocol version", "extension", h.ExtensionVersion,
			"extensionProtocol", h.ProtocolVersion, "host", d.opts.Version, "hostProtocol", extension.ProtocolVersion)
	}
	d.mu.Lock()
	d.mismatch = mismatch
	d.mu.Unlock()
	if err := d.conn.Notify(extension.MethodWelcome, extension.Welcome{ProtocolVersion: extension.ProtocolVersion, HostVersion: d.opts.Version}); err != nil {
		d.log.Warn("answering hello", "err", err)
	}
}

// versionMismatch says which side is older and how to update it.
func versionMismatch(h extension.Hello, hostVersion string) *api.Error {
	ext := "version " + h.ExtensionVersion
	if h.ExtensionVersion == "" {
		ext = "an unknown version"
	}
	if h.ProtocolVersion < extension.ProtocolVersion {
		return api.Errorf(api.CodeVersionMismatch, "the tabtap extension (%s, protocol %d) is older than the tabtap host (version %s, protocol %d): "+
			"reload the extension on chrome://extensions from the folder the installer printed, then try again", ext, h.ProtocolVersion, hostVersion, extension.ProtocolVersion)
	}
	return api.Errorf(api.CodeVersionMismatch, "the tabtap host (version %s, protocol %d) is older than the tabtap extension (%s, protocol %d): "+
		"update the host with `tabtap install` from the newer release (or `go run ./installer` in a newer checkout), then reload the extension on chrome://extensions", hostVersion, extension.ProtocolVersion, ext, h.ProtocolVersion)
}

// mismatched returns the version mismatch error, if the extension speaks
// another protocol version.
func (d *Daemon) mismatched() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.mismatch != nil {
		return d.mismatch
	}
	return nil
}
