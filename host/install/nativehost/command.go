package nativehost

import "strings"

// installCommand is the command line that installs for t with the
// locations and IDs of opts; fixes in reports quote it.
func installCommand(env Env, opts Options, t Target) string {
	args := []string{opts.Installer()}
	if t.UserDataDir != "" {
		args = append(args, "--user-data-dir", quoteArg(env, t.UserDataDir))
	} else {
		args = append(args, "--browser", t.Browser.Name)
	}
	if opts.BinDir != "" {
		args = append(args, "--bin-dir", quoteArg(env, opts.BinDir))
	}
	for _, id := range opts.ExtensionIDs {
		args = append(args, "--extension-id", id)
	}
	return strings.Join(args, " ")
}

// QuoteArg quotes s for the command shell of the system env describes, so
// a printed command can be pasted as is.
func QuoteArg(env Env, s string) string { return quoteArg(env, s) }

func quoteArg(env Env, s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n\"'`$&|;<>()*?[]#~!{}\\%^") {
		return s
	}
	if env.windows() {
		if s != "" && !strings.ContainsAny(s, " \t\"&|<>()^%!") {
			return s
		}
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Installer is the command that installs, before its flags:
// InstallCommand, else "tabtap install".
func (o Options) Installer() string {
	if o.InstallCommand != "" {
		return o.InstallCommand
	}
	return "tabtap install"
}
