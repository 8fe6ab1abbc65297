package nativehost

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"

	"github.com/tailscale/hujson"

	"github.com/tabtap/tabtap/host/atomicfile"
)

// Pack is what PackExtension put in the zip.
type Pack struct {
	// Path is the zip written.
	Path string
	// Files are the paths inside the zip, slash-separated, sorted.
	Files []string
	// Version is the manifest's version.
	Version string
	// Size is the zip's size in bytes.
	Size int
}

// packTime is the modification time of every file in the zip, so that the
// same source gives the same bytes.
var packTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// PackExtension writes to out the zip a Chrome Web Store or Edge Add-ons
// upload takes: the files of src (a folder, or ExtensionFiles) that
// WriteExtension would write (no tests, no package.json), manifest.json at
// the zip's root, with the manifest's "key" left out (a store assigns the
// ID and refuses an upload that carries a key), and with version, when
// given, as the manifest's version. It checks that every file the manifest
// names (icons, service worker, popup, options page) is in the zip. The
// same files give the same bytes.
func PackExtension(src fs.FS, out, version string) (*Pack, error) {
	outAbs, err := filepath.Abs(out)
	if err != nil {
		return nil, fmt.Errorf("pack the extension: %w", err)
	}
	manifest, err := fs.ReadFile(src, "manifest.json")
	if err != nil {
		return nil, fmt.Errorf("pack the extension: it has no manifest.json: %w", err)
	}
	if version != "" {
		if manifest, err = setManifestVersion(manifest, version); err != nil {
			return nil, fmt.Errorf("pack the extension: %w", err)
		}
	}
	manifest, version, named, err := storeManifest(manifest)
	if err != nil {
		return nil, fmt.Errorf("pack the extension: manifest.json: %w", err)
	}
	files, err := extensionFiles(src)
	if err != nil {
		return nil, fmt.Errorf("pack the extension: %w", err)
	}
	for _, name := range named {
		if !slices.Contains(files, name) {
			return nil, fmt.Errorf("pack the extension: manifest.json names %s, which is not among the extension's files", name)
		}
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range files {
		data := manifest
		if name != "manifest.json" {
			if data, err = fs.ReadFile(src, name); err != nil {
				return nil, fmt.Errorf("pack the extension: %w", err)
			}
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: packTime})
		if err != nil {
			return nil, fmt.Errorf("pack the extension: %w", err)
		}
		if _, err := w.Write(data); err != nil {
			return nil, fmt.Errorf("pack the extension: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pack the extension: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(outAbs), 0o755); err != nil {
		return nil, fmt.Errorf("pack the extension: %w", err)
	}
	if err := atomicfile.Write(outAbs, buf.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("pack the extension: %w", err)
	}
	return &Pack{Path: outAbs, Files: files, Version: version, Size: buf.Len()}, nil
}

// setManifestVersion makes the manifest's version the manifest form of
// the tabtap version v, keeping the rest as written.
func setManifestVersion(data []byte, v string) ([]byte, error) {
	mv, err := ManifestVersion(v)
	if err != nil {
		return nil, err
	}
	val, err := hujson.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	patch, _ := json.Marshal([]map[string]string{{"op": "add", "path": "/version", "value": mv}})
	if err := val.Patch(patch); err != nil {
		return nil, fmt.Errorf("manifest.json: set the version: %w", err)
	}
	return val.Pack(), nil
}

// storeManifest removes "key" from the manifest, keeping the rest as
// written, and returns the manifest's version and the files it names.
func storeManifest(data []byte) (out []byte, version string, named []string, err error) {
	v, err := hujson.Parse(data)
	if err != nil {
		return nil, "", nil, err
	}
	var m struct {
		Version    string            `json:"version"`
		Key        *string           `json:"key"`
		Icons      map[string]string `json:"icons"`
		Background struct {
			ServiceWorker string `json:"service_worker"`
		} `json:"background"`
		Action struct {
			DefaultPopup string            `json:"default_popup"`
			DefaultIcon  map[string]string `json:"default_icon"`
		} `json:"action"`
		OptionsPage string `json:"options_page"`
		OptionsUI   struct {
			Page string `json:"page"`
		} `json:"options_ui"`
	}
	std := v.Clone()
	std.Standardize()
	if err := json.Unmarshal(std.Pack(), &m); err != nil {
		return nil, "", nil, err
	}
	if m.Version == "" {
		return nil, "", nil, fmt.Errorf("no version: a store needs one")
	}
	if m.Key != nil {
		if err := v.Patch([]byte(`[{"op": "remove", "path": "/key"}]`)); err != nil {
			return nil, "", nil, err
		}
	}
	out = v.Pack()
	if !json.Valid(out) {
		return nil, "", nil, fmt.Errorf("not plain JSON once the key is removed")
	}
	for _, f := range m.Icons {
		named = append(named, f)
	}
	for _, f := range m.Action.DefaultIcon {
		named = append(named, f)
	}
	for _, f := range []string{m.Background.ServiceWorker, m.Action.DefaultPopup, m.OptionsPage, m.OptionsUI.Page} {
		if f != "" {
			named = append(named, f)
		}
	}
	cleanPaths(named)
	return out, m.Version, named, nil
}

// cleanPaths makes each slash path of names clean.
func cleanPaths(names []string) {
	for i, f := range names {
		names[i] = path.Clean(f)
	}
}
