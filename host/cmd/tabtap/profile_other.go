//go:build !unix

package main

import "log/slog"

// profile does nothing where there is no SIGUSR1: TABTAP_PROFILE is for
// measuring the daemon on Linux and macOS.
func profile(*slog.Logger) (stop func()) { return func() {} }
