package ops

import (
	"context"
	"fmt"
	"slices"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

var listCaptures = New(Spec[api.None, api.ListCapturesResult, api.ListCapturesResult]{
	Name:  api.ListCaptures,
	Title: "List captures",
	Description: "List the captures the connected browsers hold, running or stopped, newest last, including ones a person started from the extension's popup, " +
		"each with a sessionId and captureId usable with the other tools.",
	ReadOnly: true,
	Route:    Everyone,
	Run: func(_ context.Context, b Backend, _ api.None) (api.ListCapturesResult, error) {
		return b.ListCaptures(), nil
	},
	Shape: func(r api.ListCapturesResult, budget int) (api.ListCapturesResult, error) {
		// The newest matter most: the oldest are left out first.
		newest := slices.Clone(r.Captures)
		slices.Reverse(newest)
		r.Unlisted += cutList(&newest, budget-(shape.Size(r)-shape.Size(r.Captures)))
		slices.Reverse(newest)
		r.Captures = newest
		return r, nil
	},
	Merge: func(parts []api.ListCapturesResult, unreachable []string) api.ListCapturesResult {
		out := api.ListCapturesResult{Captures: []api.CaptureInfo{}}
		for _, p := range parts {
			out.Captures = append(out.Captures, p.Captures...)
			out.Evicted += p.Evicted
			out.Unreachable = append(out.Unreachable, p.Unreachable...)
			out.Unlisted += p.Unlisted
		}
		out.Unreachable = append(out.Unreachable, unreachable...)
		return out
	},
	Headline: func(r api.ListCapturesResult) string {
		s := fmt.Sprintf("%d captures.", len(r.Captures)+r.Unlisted)
		if r.Unlisted > 0 {
			s += fmt.Sprintf(" The %d oldest are not listed, to keep this result small.", r.Unlisted)
		}
		if len(r.Unreachable) > 0 {
			s += fmt.Sprintf(" %d browsers did not answer (see unreachable).", len(r.Unreachable))
		}
		return s
	},
})
