package nativehost_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/tabtap/tabtap/host/install/nativehost"
)

// An end-to-end test registers the host into a throwaway Chromium profile,
// then starts Chromium with --user-data-dir=profile and
// --load-extension=res.ExtensionDir.
func ExampleInstall() {
	exe, _ := os.Executable()
	profile, _ := os.MkdirTemp("", "profile")
	bin, _ := os.MkdirTemp("", "bin")
	res, err := nativehost.Install(context.Background(), nativehost.Options{
		UserDataDirs: []string{profile},
		BinDir:       bin,
		Binary:       exe, // the tabtap binary to install
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.BinaryPath, res.ExtensionDir, res.Registered[0].ManifestPath)
}

// A person's installation is diagnosed, with a fix for each problem.
func ExampleCheck() {
	report, err := nativehost.Check(context.Background(), nativehost.Options{})
	if err != nil {
		log.Fatal(err)
	}
	report.Print(os.Stdout)
	if !report.OK() {
		os.Exit(1)
	}
}
