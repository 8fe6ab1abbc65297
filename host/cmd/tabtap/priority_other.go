//go:build !unix

package main

import "log/slog"

// yieldToBrowser does nothing where there is no nice value.
func yieldToBrowser(*slog.Logger) {}
