// Package clients writes tabtap into the configuration of the MCP clients a
// person uses (Claude Desktop, Claude Code, Cursor, VS Code, Windsurf,
// Gemini CLI, Codex CLI), reads it back for the installer's check, and
// takes it out again.
//
// Every client's file and format is in one table (clients.go). An edit
// changes the tabtap entry and nothing else: JSON files (with comments and
// trailing commas, as VS Code writes them) are edited as a syntax tree with
// github.com/tailscale/hujson, so comments, order and layout survive; Codex's
// TOML file is read with github.com/pelletier/go-toml/v2 and edited line by
// line where the parser says the tabtap table is. Before writing, the edit
// is checked: the new file must parse, hold the wanted entry, and say the
// same as the old one about everything else. A file that does not parse is
// refused, never overwritten.
//
// Each change keeps the previous content in a timestamped backup beside the
// file (NAME.tabtap-backup-YYYYMMDD-HHMMSS); a run that changes nothing
// writes nothing. Removal puts back the backup the install was made from
// when the file has not changed since, so an install followed by an
// uninstall leaves the file byte for byte as it was.
//
// It is not the installer: it builds nothing and registers nothing with
// browsers (package nativehost does), and it prints nothing.
package clients
