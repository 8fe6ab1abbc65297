package tools

import (
	"context"
	"fmt"
	"slices"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

func listCaptures(r router) tool {
	return define(spec[api.None, api.ListCapturesResult]{
		name:  api.ListCaptures,
		title: "List captures",
		description: "List the captures the connected browsers hold, running or stopped, newest last, including ones a person started from the extension's popup, " +
			"each with a sessionId and captureId usable with the other tools.",
		readOnly: true,
		run: func(ctx context.Context, _ api.None, share int) (api.ListCapturesResult, error) {
			ds, err := r.all(ctx)
			if err != nil {
				return api.ListCapturesResult{}, err
			}
			out := api.ListCapturesResult{Captures: []api.CaptureInfo{}}
			for _, d := range ds {
				var one api.ListCapturesResult
				if err := d.Call(ctx, api.ListCaptures, api.None{}, &one); err != nil {
					if len(ds) == 1 {
						return api.ListCapturesResult{}, err
					}
					out.Unreachable = append(out.Unreachable, failure(d, err))
					continue
				}
				out.Captures = append(out.Captures, one.Captures...)
				out.Evicted += one.Evicted
			}
			// The newest matter most: the oldest are left out first.
			slices.Reverse(out.Captures)
			out.Unlisted = cutList(&out.Captures, share-(shape.Size(out)-shape.Size(out.Captures)))
			slices.Reverse(out.Captures)
			return out, nil
		},
		headline: func(r api.ListCapturesResult) string {
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
}
