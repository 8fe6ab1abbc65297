package nativehost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tabtap/tabtap/host/mcplink"
)

// Report is what Check found. Problems are things that keep the extension
// from reaching the host; everything else is information.
type Report struct {
	// BinaryPath is where the installer puts the host binary with these
	// options; BinaryFound tells whether it is there.
	BinaryPath string
	// BinaryFound is true when BinaryPath exists.
	BinaryFound bool
	// ExtensionDir is where the installer copies the extension;
	// ExtensionFound tells whether a copy is there.
	ExtensionDir string
	// ExtensionFound is true when ExtensionDir holds a manifest.json.
	ExtensionFound bool
	// Targets holds one entry per browser or profile checked.
	Targets []TargetReport
	// Problems are the findings that concern no single target (no browser
	// found at all).
	Problems []Problem
	// RuntimeDir is where running daemons register.
	RuntimeDir string
	// Daemons describe the daemons registered in RuntimeDir, one per
	// running daemon (one per browser profile with the extension loaded).
	Daemons []string
}

// TargetReport is what Check found for one target.
type TargetReport struct {
	// Target is the browser or profile checked.
	Target Target
	// Manifests are the manifest files the target uses: its ManifestPath,
	// or on Windows the files its registry keys point to.
	Manifests []string
	// HostPath is the binary the manifest points to, when it could be read.
	HostPath string
	// Problems are what keeps this target from working; empty means it is
	// ready.
	Problems []Problem
}

// Problem is one thing wrong, with what to do about it.
type Problem struct {
	// What says what is wrong, e.g. "manifest missing: /path".
	What string
	// Fix says what to do, as a command when there is one.
	Fix string
}

// OK tells whether Check found no problem.
func (r *Report) OK() bool { return r.ProblemCount() == 0 }

// ProblemCount is the number of problems found, across all targets.
func (r *Report) ProblemCount() int {
	n := len(r.Problems)
	for _, t := range r.Targets {
		n += len(t.Problems)
	}
	return n
}

// Check diagnoses the installation for every target of opts (the browsers
// found, by default): is each manifest there, valid, named right, pointing
// at an executable host binary and allowing the extension? It also lists the
// daemons registered in the runtime directory. Problems found are in the
// report; the error is for failures to look at all.
func Check(ctx context.Context, opts Options) (*Report, error) {
	env, _, targets, l, err := plan(opts, false)
	if err != nil {
		return nil, err
	}
	for _, id := range opts.ExtensionIDs {
		if !ValidExtensionID(id) {
			return nil, fmt.Errorf("extension ID %q is not valid: an ID is 32 letters a to p", id)
		}
	}
	r := &Report{
		BinaryPath:     l.binaryPath,
		BinaryFound:    fileExists(l.binaryPath),
		ExtensionDir:   l.extensionDir,
		ExtensionFound: fileExists(filepath.Join(l.extensionDir, "manifest.json")),
		RuntimeDir:     runtimeDir(env),
	}
	if len(targets) == 0 {
		r.Problems = append(r.Problems, Problem{
			What: "no browser found (looked for " + titles() + ")",
			Fix:  "install one, or name it: " + opts.Installer() + " --browser chrome; for a custom profile: " + opts.Installer() + " --user-data-dir DIR",
		})
	}
	ids := append([]string{ExtensionID}, opts.ExtensionIDs...)
	for _, t := range targets {
		r.Targets = append(r.Targets, checkTarget(ctx, env, opts, t, ids))
	}
	if r.Daemons, err = listDaemons(r.RuntimeDir); err != nil {
		r.Problems = append(r.Problems, Problem{
			What: err.Error(),
			Fix:  "the runtime directory " + r.RuntimeDir + " should belong to you with mode 0700; remove it and reload the extension",
		})
	}
	return r, nil
}

// listDaemons describes the daemons registered in the runtime directory
// dir, one line each.
func listDaemons(dir string) ([]string, error) {
	regs, err := mcplink.Discover(dir)
	if err != nil {
		return nil, fmt.Errorf("list the daemons: %w", err)
	}
	var out []string
	for _, r := range regs {
		out = append(out, fmt.Sprintf("%s: pid %d, since %s, socket %s", r.Browser, r.PID, r.StartedAt.Local().Format("2006-01-02 15:04:05"), r.Socket))
	}
	return out, nil
}

func checkTarget(ctx context.Context, env Env, opts Options, t Target, ids []string) TargetReport {
	tr := TargetReport{Target: t}
	fix := installCommand(env, opts, t)
	if len(t.RegistryKeys) == 0 {
		tr.Manifests = []string{t.ManifestPath}
	}
	for _, key := range t.RegistryKeys {
		path, ok := regGet(ctx, env, key)
		if !ok {
			tr.Problems = append(tr.Problems, Problem{What: "not registered: " + hostKey(key) + " is missing", Fix: fix})
			continue
		}
		if !slices.Contains(tr.Manifests, path) {
			tr.Manifests = append(tr.Manifests, path)
		}
	}
	for _, path := range tr.Manifests {
		host, problems := checkManifest(env, path, ids, fix)
		tr.Problems = append(tr.Problems, problems...)
		if host != "" {
			tr.HostPath = host
		}
	}
	return tr
}

// checkManifest reads the manifest at path and says what is wrong with it.
// fix is the command that rewrites it.
func checkManifest(env Env, path string, ids []string, fix string) (host string, problems []Problem) {
	add := func(what, fix string) { problems = append(problems, Problem{What: what, Fix: fix}) }
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		add("manifest missing: "+path, fix)
		return "", problems
	case err != nil:
		add("manifest unreadable: "+err.Error(), "check the permissions of "+path+", then run "+fix)
		return "", problems
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		add(fmt.Sprintf("manifest %s is not valid JSON: %v", path, err), fix)
		return "", problems
	}
	if m.Name != HostName {
		add(fmt.Sprintf("manifest %s names the host %q, not %q", path, m.Name, HostName), fix)
	}
	if m.Type != "stdio" {
		add(fmt.Sprintf("manifest %s has type %q, not \"stdio\"", path, m.Type), fix)
	}
	switch fi, err := os.Stat(m.Path); {
	case m.Path == "":
		add("manifest "+path+" names no host binary", fix)
	case !filepath.IsAbs(m.Path):
		add("manifest "+path+" names the host binary by a relative path: "+m.Path, fix)
	case err != nil:
		add("host binary missing: "+m.Path, fix)
	case !fi.Mode().IsRegular():
		add("host binary is not a file: "+m.Path, fix)
	case !env.windows() && fi.Mode().Perm()&0o111 == 0:
		add("host binary is not executable: "+m.Path, "chmod +x "+quoteArg(env, m.Path))
	}
	for _, id := range ids {
		if !slices.Contains(m.AllowedOrigins, Origin(id)) {
			add(fmt.Sprintf("manifest %s does not allow the extension %s (allowed_origins: %s)", path, id, strings.Join(m.AllowedOrigins, ", ")), fix)
		}
	}
	return m.Path, problems
}

func titles() string {
	var t []string
	for _, b := range browsers {
		t = append(t, b.Title)
	}
	return strings.Join(t, ", ")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
