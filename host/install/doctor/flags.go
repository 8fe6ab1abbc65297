package doctor

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/tabtap/tabtap/host/install/clients"
	"github.com/tabtap/tabtap/host/install/nativehost"
)

// Flags are the command-line flags that say which installation is meant:
// --browser, --user-data-dir, --bin-dir, --extension-id and --client. The
// installer and `tabtap doctor` share them.
type Flags struct {
	browsers, profiles, ids, clients listFlag
	binDir                           string
}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// Register adds the flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.Var(&f.browsers, "browser", "")
	fs.Var(&f.profiles, "user-data-dir", "")
	fs.StringVar(&f.binDir, "bin-dir", "", "")
	fs.Var(&f.ids, "extension-id", "")
	fs.Var(&f.clients, "client", "")
}

// Options checks the flags given and turns them into Options for the
// machine env.
func (f *Flags) Options(env nativehost.Env) (Options, error) {
	for _, name := range f.browsers {
		if _, ok := nativehost.LookupBrowser(name); !ok {
			return Options{}, fmt.Errorf("unknown browser %q: use one of %s", name, strings.Join(nativehost.BrowserNames(), ", "))
		}
	}
	for _, id := range f.ids {
		if !nativehost.ValidExtensionID(id) {
			return Options{}, fmt.Errorf("extension ID %q is not valid: an ID is 32 letters a to p", id)
		}
	}
	for _, dir := range f.profiles {
		if dir == "" {
			return Options{}, errors.New("--user-data-dir needs a directory")
		}
	}
	for _, name := range f.clients {
		if _, ok := clients.Lookup(name); !ok && !strings.EqualFold(strings.TrimSpace(name), "all") {
			return Options{}, fmt.Errorf("unknown client %q: use one of %s, or all", name, strings.Join(clients.Names(), ", "))
		}
	}
	return Options{
		Host: nativehost.Options{
			Browsers:     f.browsers,
			UserDataDirs: f.profiles,
			BinDir:       f.binDir,
			ExtensionIDs: f.ids,
			Env:          env,
		},
		Clients: f.clients,
	}, nil
}

// Usage describes the flags, for a command's help: the installer's when
// install is set, else the check's.
func Usage(binDir string, install bool) string {
	client := "write tabtap into this MCP client's configuration:"
	if !install {
		client = "this MCP client must start tabtap:"
	}
	return fmt.Sprintf(`  --browser NAME        this browser only: %s
                        (repeatable; default: every one found)
  --user-data-dir DIR   the custom profile DIR, in DIR/NativeMessagingHosts
                        (repeatable)
  --bin-dir DIR         where the host binary goes (default %s)
  --extension-id ID     also allow the extension ID, e.g. a store build's
                        (repeatable)
  --client NAME         %s
                        %s,
                        or all for every client found (repeatable)
`, strings.Join(nativehost.BrowserNames(), ", "), binDir, client, strings.Join(clients.Names(), ", "))
}
