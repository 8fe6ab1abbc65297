// Package e2e holds the end-to-end tests: real Chromium with the unpacked
// extension, the host registered by the installer into a temporary profile,
// and an MCP client speaking to `tabtap mcp` over stdio, against local pages
// whose traffic is known in advance. It has no code outside its tests.
package e2e
