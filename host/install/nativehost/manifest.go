package nativehost

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/tabtap/tabtap/host/atomicfile"
)

// Manifest is a native-messaging host manifest, the file a browser reads to
// find and launch the host.
type Manifest struct {
	// Name is the host name the extension connects to: HostName.
	Name string `json:"name"`
	// Description is shown nowhere important; it says what the host is.
	Description string `json:"description"`
	// Path is the absolute path of the host binary.
	Path string `json:"path"`
	// Type is always "stdio".
	Type string `json:"type"`
	// AllowedOrigins lists the extensions allowed to connect, each as
	// "chrome-extension://<id>/".
	AllowedOrigins []string `json:"allowed_origins"`
}

// NewManifest describes the tabtap host at binaryPath (which must be
// absolute), allowing the project's extension ID plus extraIDs.
func NewManifest(binaryPath string, extraIDs ...string) (Manifest, error) {
	if !filepath.IsAbs(binaryPath) {
		return Manifest{}, fmt.Errorf("host binary path %q is not absolute: browsers need an absolute path", binaryPath)
	}
	origins := []string{Origin(ExtensionID)}
	for _, id := range extraIDs {
		if !ValidExtensionID(id) {
			return Manifest{}, fmt.Errorf("extension ID %q is not valid: an ID is 32 letters a to p", id)
		}
		if o := Origin(id); !slices.Contains(origins, o) {
			origins = append(origins, o)
		}
	}
	return Manifest{
		Name:           HostName,
		Description:    "tabtap: captures the network traffic of your tabs for MCP clients",
		Path:           binaryPath,
		Type:           "stdio",
		AllowedOrigins: origins,
	}, nil
}

// Origin is the allowed_origins entry for an extension ID.
func Origin(id string) string { return "chrome-extension://" + id + "/" }

// ValidExtensionID tells whether id has the shape of a Chromium extension
// ID: 32 letters from a to p.
func ValidExtensionID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if c < 'a' || c > 'p' {
			return false
		}
	}
	return true
}

// WriteManifest writes m as JSON to path, mode 0644, creating the directory.
// It writes a temporary file beside path and renames it into place, so a
// browser never reads half a manifest.
func WriteManifest(path string, m Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the host manifest: %w", err)
	}
	data = append(data, '\n')
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create the manifest folder: %w", err)
	}
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		return fmt.Errorf("write the host manifest: %w", err)
	}
	return nil
}

// ReadManifest reads and decodes the manifest at path.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("%s is not valid JSON: %w", path, err)
	}
	return m, nil
}
