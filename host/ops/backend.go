package ops

import (
	"context"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture"
)

// Backend is the daemon as its operations see it: its browser, its
// sessions and their captures. Package daemon implements it; the
// operations that read captures (stop, pages, one request, waits) do
// their work here, on what Capture returns.
type Backend interface {
	// ListTabs lists the browser's tabs, each with the session capturing it.
	ListTabs(ctx context.Context) (api.ListTabsResult, error)
	// InitializeSession chooses a tab for an agent's session.
	InitializeSession(ctx context.Context, a api.InitializeSessionArgs) (api.Session, error)
	// StartCapture starts an agent's capture in a session, within the
	// person's policy.
	StartCapture(ctx context.Context, a api.StartCaptureArgs) (api.StartCaptureResult, error)
	// Status describes a session and its latest capture.
	Status(sessionID string) (api.StatusResult, error)
	// Clear drops what a session's running capture holds.
	Clear(sessionID string) (api.ClearResult, error)
	// ListCaptures lists the captures held, oldest first.
	ListCaptures() api.ListCapturesResult
	// CloseSession ends a session, stopping its running capture.
	CloseSession(sessionID string) (api.CloseSessionResult, error)
	// Capture finds a session's capture: the one captureID names, or the
	// latest. Its errors are the caller's (not found, no capture yet).
	Capture(sessionID, captureID string) (Held, error)
	// Stop stops a capture, if it runs, and returns once it has stopped,
	// its last bodies in; the daemon lets go of its tabs.
	Stop(c *capture.Capture)
	// Version is tabtap's version, the creator of HAR files.
	Version() string
	// SendRequest sends a captured request again as the person, from the
	// session's tab, within the person's settings, and returns the
	// exchange scrubbed.
	SendRequest(ctx context.Context, a api.SendRequestArgs) (Sent, error)
}

// Held is a capture and the session holding it.
type Held struct {
	SessionID string
	*capture.Capture
}
