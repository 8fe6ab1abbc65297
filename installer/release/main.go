// Command release builds tabtap's release from this checkout: an archive
// per platform (Linux, macOS and Windows on amd64 and arm64) holding the
// tabtap binary, which carries the extension; the extension's store zip;
// and SHA256SUMS. The same commit gives the same files.
//
//	go run ./installer/release [--version 0.2.0] [--out dist] [--target linux/amd64]...
//	                           [--commit HASH] [--date 2026-11-30T12:00:00Z]
//
// The version defaults to the extension manifest's, the commit to the
// checkout's, and every file in the archives carries the commit's time
// (or --date).
// The work is done by package release.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/tabtap/tabtap/host/release"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type targetsFlag []release.Target

func (f *targetsFlag) String() string { return fmt.Sprint(*f) }
func (f *targetsFlag) Set(s string) error {
	t, err := release.ParseTarget(s)
	if err == nil {
		*f = append(*f, t)
	}
	return err
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.String("version", "", "the release's version, e.g. 0.2.0 (default: the extension manifest's)")
	out := fs.String("out", "dist", "the folder to write the release to")
	var targets targetsFlag
	fs.Var(&targets, "target", "build only this platform, os/arch (repeatable; default: all six)")
	commitFlag := fs.String("commit", "", "the commit to stamp (default: the checkout's, from git)")
	dateFlag := fs.String("date", "", "the time of every file in the archives, RFC 3339 (default: the commit's)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "release: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "release:", err)
		return 1
	}
	root, err := release.FindModuleRoot(wd)
	if err != nil {
		fmt.Fprintln(stderr, "release:", err)
		return 1
	}
	if *version == "" {
		if *version, err = manifestVersion(root); err != nil {
			fmt.Fprintln(stderr, "release:", err)
			return 1
		}
	}
	*version = strings.TrimPrefix(*version, "v")
	commit, date := release.Revision(ctx, root)
	if *commitFlag != "" {
		commit = *commitFlag
	}
	if *dateFlag != "" {
		if date, err = time.Parse(time.RFC3339, *dateFlag); err != nil {
			fmt.Fprintf(stderr, "release: --date: %v\n", err)
			return 2
		}
	}
	fmt.Fprintf(stdout, "tabtap %s, commit %s, into %s\n", *version, orUnknown(commit), *out)
	arts, err := release.Run(ctx, release.Options{
		ModuleRoot: root, Version: *version, Commit: commit, Date: date,
		Targets: targets, Out: *out, Log: stdout,
	})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	sums, _ := os.ReadFile(arts[len(arts)-1].Path)
	fmt.Fprintf(stdout, "\n%s", sums)
	return 0
}

// manifestVersion is the version in the checkout's extension manifest.
func manifestVersion(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, "extension", "manifest.json"))
	if err != nil {
		return "", err
	}
	var m struct{ Version string }
	if err := json.Unmarshal(data, &m); err != nil || m.Version == "" {
		return "", fmt.Errorf("extension/manifest.json has no version: name one with --version")
	}
	return m.Version, nil
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown"
	}
	return s
}
