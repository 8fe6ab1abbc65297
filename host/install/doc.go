// Package install is tabtap's installer as a person runs it: it reads the
// flags, installs the host for the Chromium-family browsers of this user,
// writes it into the MCP clients asked for and prints what is left to do;
// or it checks or removes all that.
//
// Two fronts run it: the tabtap binary (`tabtap install`, `tabtap
// uninstall`, `tabtap doctor`), which installs itself and needs no Go
// toolchain, and the installer run from a checkout (`go run ./installer`,
// with --check, --uninstall or --pack-extension), which builds the binary
// first. A [Front] says which: the commands the messages quote and the
// binary to install.
//
// The work is done by packages nativehost (browsers), clients (MCP client
// configuration) and doctor (the check); this package reads the flags and
// talks to the person.
package install
