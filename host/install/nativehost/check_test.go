package nativehost

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// installedEnv is a Linux user with Chromium whose host is registered the
// way Install does it, with a fake binary; it returns the manifest path and
// the binary path.
func installedEnv(t *testing.T) (Env, string, string) {
	t.Helper()
	env, _ := testEnv(t, "linux")
	mkdir(t, filepath.Join(env.Home, ".config", "chromium"))
	l, err := resolveLayout(env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, l.binaryPath, "#!/bin/sh\n", 0o755)
	writeFile(t, filepath.Join(l.extensionDir, "manifest.json"), "{}", 0o644)
	b, _ := LookupBrowser("chromium")
	target := browserTarget(env, b)
	m, err := NewManifest(l.binaryPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := register(context.Background(), env, target, m); err != nil {
		t.Fatal(err)
	}
	return env, target.ManifestPath, l.binaryPath
}

// rewriteManifest changes one field of the JSON manifest at path.
func rewriteManifest(t *testing.T, path, field string, value any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m[field] = value
	data, _ = json.Marshal(m)
	writeFile(t, path, string(data), 0o644)
}

func TestCheckFindsEachProblem(t *testing.T) {
	const otherID = "abcdefghijklmnopabcdefghijklmnop"
	tests := []struct {
		name  string
		opts  Options
		spoil func(t *testing.T, manifest, binary string)
		what  string // substring of the one problem expected; "" for none
		fix   string // substring of its fix
	}{
		{"ok", Options{}, func(*testing.T, string, string) {}, "", ""},
		{"missing", Options{}, func(t *testing.T, m, _ string) { os.Remove(m) },
			"manifest missing", "tabtap install --browser chromium"},
		{"invalid JSON", Options{}, func(t *testing.T, m, _ string) { writeFile(t, m, "{", 0o644) },
			"not valid JSON", "tabtap install --browser chromium"},
		{"wrong name", Options{}, func(t *testing.T, m, _ string) { rewriteManifest(t, m, "name", "dev.tabtap.other") },
			`names the host "dev.tabtap.other"`, "tabtap install"},
		{"wrong type", Options{}, func(t *testing.T, m, _ string) { rewriteManifest(t, m, "type", "socket") },
			`type "socket"`, "tabtap install"},
		{"relative path", Options{}, func(t *testing.T, m, _ string) { rewriteManifest(t, m, "path", "tabtap") },
			"relative path", "tabtap install"},
		{"binary missing", Options{}, func(t *testing.T, _, b string) { os.Remove(b) },
			"host binary missing", "tabtap install --browser chromium"},
		{"not executable", Options{}, func(t *testing.T, _, b string) { os.Chmod(b, 0o644) },
			"not executable", "chmod +x "},
		{"origin missing", Options{}, func(t *testing.T, m, _ string) {
			rewriteManifest(t, m, "allowed_origins", []string{"chrome-extension://" + otherID + "/"})
		}, "does not allow the extension " + ExtensionID, "tabtap install --browser chromium"},
		{"extra origin missing", Options{ExtensionIDs: []string{otherID}}, func(*testing.T, string, string) {},
			"does not allow the extension " + otherID, "--extension-id " + otherID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, manifest, binary := installedEnv(t)
			tt.spoil(t, manifest, binary)
			opts := tt.opts
			opts.Env = env
			r, err := Check(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Targets) != 1 || r.Targets[0].Target.Label != "Chromium" {
				t.Fatalf("targets = %+v", r.Targets)
			}
			problems := r.Targets[0].Problems
			if tt.what == "" {
				if !r.OK() || len(problems) != 0 {
					t.Errorf("problems found in a good install: %+v %+v", r.Problems, problems)
				}
				if r.Targets[0].HostPath != binary || !r.BinaryFound || !r.ExtensionFound {
					t.Errorf("report = %+v", r)
				}
				return
			}
			if r.OK() || len(problems) != 1 {
				t.Fatalf("problems = %+v, want one about %q", problems, tt.what)
			}
			if !strings.Contains(problems[0].What, tt.what) || !strings.Contains(problems[0].Fix, tt.fix) {
				t.Errorf("problem = %+v, want %q fixed by %q", problems[0], tt.what, tt.fix)
			}
			var out bytes.Buffer
			if err := r.Print(&out); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"Chromium: 1 problem", "  problem: " + problems[0].What + " — fix: " + problems[0].Fix + "\n", "1 problem found."} {
				if !strings.Contains(out.String(), s) {
					t.Errorf("printed report lacks %q:\n%s", s, out.String())
				}
			}
		})
	}
}

func TestCheckNoBrowser(t *testing.T) {
	env, _ := testEnv(t, "linux")
	r, err := Check(context.Background(), Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Problems) != 1 || !strings.Contains(r.Problems[0].What, "no browser found") || !strings.Contains(r.Problems[0].Fix, "--user-data-dir") {
		t.Errorf("report = %+v", r)
	}
}

func TestCheckUserDataDir(t *testing.T) {
	env, _ := testEnv(t, "linux")
	profile := t.TempDir()
	r, err := Check(context.Background(), Options{Env: env, UserDataDirs: []string{profile}, BinDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 1 || len(r.Targets[0].Problems) != 1 {
		t.Fatalf("report = %+v", r)
	}
	p := r.Targets[0].Problems[0]
	if !strings.Contains(p.What, filepath.Join(profile, "NativeMessagingHosts", "dev.tabtap.host.json")) ||
		!strings.Contains(p.Fix, "tabtap install --user-data-dir "+profile+" --bin-dir ") {
		t.Errorf("problem = %+v", p)
	}
}

// The fixes quote the command that installs, as the person runs it.
func TestCheckQuotesTheInstallCommand(t *testing.T) {
	env, _ := testEnv(t, "linux")
	profile := t.TempDir()
	r, err := Check(context.Background(), Options{Env: env, UserDataDirs: []string{profile}, InstallCommand: "go run ./installer"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 1 || len(r.Targets[0].Problems) != 1 || r.Targets[0].Problems[0].Fix != "go run ./installer --user-data-dir "+profile {
		t.Errorf("report = %+v", r)
	}
	r, err = Check(context.Background(), Options{Env: env, InstallCommand: "/opt/tabtap install"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Fix, "/opt/tabtap install --browser chrome") {
		t.Errorf("problems = %+v", r.Problems)
	}
}

func TestCheckListsDaemons(t *testing.T) {
	env, _, _ := installedEnv(t)
	rt := t.TempDir()
	// A daemon makes its runtime directory private; tabtap trusts no other.
	if err := os.Chmod(rt, 0o700); err != nil {
		t.Fatal(err)
	}
	env.Getenv = func(k string) string {
		if k == "TABTAP_RUNTIME_DIR" {
			return rt
		}
		return ""
	}
	check := func() *Report {
		r, err := Check(context.Background(), Options{Env: env})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := check(); len(r.Daemons) != 0 || r.RuntimeDir != rt {
		t.Errorf("daemons = %q in %s", r.Daemons, r.RuntimeDir)
	}
	writeFile(t, filepath.Join(rt, "b.json"), `{"tag":"b","socket":"`+rt+`/b.sock","token":"x","pid":12,"browser":"Chromium 156 (b)","startedAt":"2026-11-25T10:00:00Z"}`, 0o600)
	writeFile(t, filepath.Join(rt, "a.json"), `{"tag":"a","socket":"`+rt+`/a.sock","token":"y","pid":11,"browser":"Google Chrome 156 (a)","startedAt":"2026-11-25T11:00:00Z"}`, 0o600)
	writeFile(t, filepath.Join(rt, "a.sock"), "", 0o600)
	writeFile(t, filepath.Join(rt, ".reg-1.json"), "", 0o600)
	writeFile(t, filepath.Join(rt, "a.captures.json"), `{"sessions":[]}`, 0o600) // saved captures, not a daemon
	r := check()
	if len(r.Daemons) != 2 || !strings.HasPrefix(r.Daemons[0], "Google Chrome 156 (a): pid 11") || !strings.HasPrefix(r.Daemons[1], "Chromium 156 (b): pid 12") {
		t.Errorf("daemons = %q, want the two registrations, newest first", r.Daemons)
	}
	if !r.OK() {
		t.Errorf("problems: %+v", r.Targets)
	}
	var out bytes.Buffer
	r.Print(&out)
	if !strings.Contains(out.String(), "daemons: 2 running") || !strings.Contains(out.String(), "No problem found.") {
		t.Errorf("printed:\n%s", out.String())
	}
}

func TestCheckWindows(t *testing.T) {
	env, machine := testEnv(t, "windows")
	mkdir(t, filepath.Join(env.Home, "AppData", "Local", "Microsoft", "Edge", "User Data"))
	r, err := Check(context.Background(), Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 1 || len(r.Targets[0].Problems) != 1 ||
		!strings.Contains(r.Targets[0].Problems[0].What, `HKCU\Software\Microsoft\Edge\NativeMessagingHosts\dev.tabtap.host is missing`) {
		t.Fatalf("report = %+v", r)
	}

	// Registered, pointing at a manifest elsewhere: that manifest is checked.
	bin := filepath.Join(t.TempDir(), "tabtap.exe")
	writeFile(t, bin, "MZ", 0o644)
	elsewhere := filepath.Join(t.TempDir(), "host.json")
	m, _ := NewManifest(bin)
	if err := WriteManifest(elsewhere, m); err != nil {
		t.Fatal(err)
	}
	machine.reg[`HKCU\Software\Microsoft\Edge\NativeMessagingHosts\dev.tabtap.host`] = elsewhere
	r, err = Check(context.Background(), Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || !slices.Equal(r.Targets[0].Manifests, []string{elsewhere}) || r.Targets[0].HostPath != bin {
		t.Errorf("report = %+v", r.Targets[0])
	}
}
