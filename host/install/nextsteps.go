package install

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tabtap/tabtap/host/install/clients"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// clientOutcome is what the install did to the MCP clients.
type clientOutcome struct {
	asked    bool             // --client was given
	changes  []clients.Change // the clients written or already right
	failed   []clientFailure
	notAsked []clients.Client // found on this machine, not named, not starting tabtap
	already  []clients.Client // not named, already starting this binary
}

type clientFailure struct {
	client clients.Client
	err    error
}

// printNextSteps tells the person what the installer did for the clients
// and what it cannot do: load the extension, and configure clients it was
// not asked to.
func printNextSteps(w io.Writer, env nativehost.Env, f Front, res *nativehost.Result, out clientOutcome, check string) {
	bin := nativehost.QuoteArg(env, res.BinaryPath)
	installer := f.words(Install, res.BinaryPath)
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	p("")
	if res.NoBrowserFound {
		p("No browser found (looked for Chrome, Chromium, Edge, Brave and Vivaldi), so the host")
		p("is registered with none. Name one, or a custom profile:")
		p("  %s --browser chrome", installer)
		p("  %s --user-data-dir DIR", installer)
		p("")
	}
	p("What is left to do:")
	p("")
	p("1. Load the extension (once; after a later install, reload it there or restart the browser):")
	p("     chrome://extensions → Developer mode → Load unpacked → %s", res.ExtensionDir)
	p("   Its ID is %s.", nativehost.ExtensionID)
	p("   Once it is loaded or reloaded, the browser starts the host by itself.")
	p("")

	printClientSteps(p, installer, out)
	p("   Any other MCP client: give it the command %s with the argument mcp (docs/clients.md).", bin)
	p("")
	p("Check the setup at any time: %s", check)
	if !onPath(env, res.BinaryPath) {
		p("To run tabtap by its name, add %s to your PATH.", nativehost.QuoteArg(env, filepath.Dir(res.BinaryPath)))
	}
}

// onPath tells whether the command tabtap, looked up on PATH, is binary.
func onPath(env nativehost.Env, binary string) bool {
	env, err := env.Resolve()
	if err != nil {
		return false
	}
	found, err := env.LookPath(filepath.Base(binary))
	if err != nil {
		return false
	}
	a, err1 := os.Stat(found)
	b, err2 := os.Stat(binary)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// printClientSteps is step 2 of the next steps: what the install did to
// the MCP clients, and how to add those it did not.
func printClientSteps(p func(string, ...any), installer string, out clientOutcome) {
	var written, unchanged []string
	for _, ch := range out.changes {
		line := fmt.Sprintf("%s (%s)", ch.Client.Title, ch.Path)
		if ch.Action == clients.Unchanged {
			unchanged = append(unchanged, line)
		} else {
			written = append(written, line)
		}
	}
	switch {
	case out.asked || len(out.already) > 0:
		p("2. MCP clients:")
		for _, l := range written {
			p("   written:   %s", l)
		}
		for _, l := range unchanged {
			p("   unchanged: %s", l)
		}
		if len(out.already) > 0 {
			p("   already starting tabtap: %s", clientTitles(out.already))
		}
		for _, f := range out.failed {
			p("   failed:    %s: %v", f.client.Title, f.err)
		}
		if out.asked && len(written)+len(unchanged)+len(out.failed) == 0 {
			p("   none written: no MCP client found on this machine (looked for %s).", clientTitles(clients.All()))
		}
		if len(written) > 0 {
			p("   Restart the clients written (or reload their MCP servers) to start tabtap.")
		}
		if len(out.notAsked) > 0 {
			p("   Found, not asked: %s. Add them with:", clientTitles(out.notAsked))
			p("     %s %s", installer, clientFlags(out.notAsked))
		}
	case len(out.notAsked) > 0:
		p("2. Add tabtap to your MCP clients. Found: %s. Write it into them with:", clientTitles(out.notAsked))
		p("     %s --client all", installer)
		p("   or name them: %s %s", installer, clientFlags(out.notAsked))
	default:
		p("2. Add tabtap to your MCP client. No client the installer knows was found (it looks")
		p("   for %s); with one installed, %s --client NAME writes it.", clientTitles(clients.All()), installer)
	}
}

func clientTitles(list []clients.Client) string {
	t := make([]string, len(list))
	for i, c := range list {
		t[i] = c.Title
	}
	return strings.Join(t, ", ")
}

func clientFlags(list []clients.Client) string {
	f := make([]string, len(list))
	for i, c := range list {
		f[i] = "--client " + c.Name
	}
	return strings.Join(f, " ")
}

// printPack says what --pack-extension wrote and what to do with it.
func printPack(w io.Writer, pk *nativehost.Pack, installer string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("wrote %s: tabtap %s, %d files, %d bytes", pk.Path, pk.Version, len(pk.Files), pk.Size)
	for _, f := range pk.Files {
		p("  %s", f)
	}
	p("")
	p("The manifest in the zip has no \"key\": the store gives the extension its own ID.")
	p("Upload the zip at the Chrome Web Store developer dashboard or in Microsoft Partner")
	p("Center (Edge Add-ons). Once the store shows the extension's ID, let the host accept it:")
	p("  %s --extension-id ID", installer)
}
