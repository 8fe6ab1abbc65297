package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

func listTabs(r router) tool {
	return define(spec[api.None, api.ListTabsResult]{
		name:  api.ListTabs,
		title: "List browser tabs",
		description: "List the tabs of every connected browser: tabId, windowId, title, url, active, browser (the profile's label). " +
			"A tab being captured shows its sessionId.",
		readOnly: true,
		run: func(ctx context.Context, _ api.None, share int) (api.ListTabsResult, error) {
			ds, err := r.all(ctx)
			if err != nil {
				return api.ListTabsResult{}, err
			}
			out := api.ListTabsResult{Tabs: []api.Tab{}, Browsers: []string{}}
			var failed []string
			for _, d := range ds {
				var one api.ListTabsResult
				if err := d.Call(ctx, api.ListTabs, api.None{}, &one); err != nil {
					if len(ds) == 1 {
						return api.ListTabsResult{}, err
					}
					failed = append(failed, failure(d, err))
					continue
				}
				out.Tabs = append(out.Tabs, one.Tabs...)
				out.Browsers = append(out.Browsers, one.Browsers...)
			}
			out.Unreachable = failed
			out.Unlisted = cutList(&out.Tabs, share-(shape.Size(out)-shape.Size(out.Tabs)))
			return out, nil
		},
		headline: func(r api.ListTabsResult) string {
			s := fmt.Sprintf("%d tabs in %s.", len(r.Tabs)+r.Unlisted, strings.Join(r.Browsers, ", "))
			if r.Unlisted > 0 {
				s += fmt.Sprintf(" The last %d are not listed, to keep this result small.", r.Unlisted)
			}
			if len(r.Unreachable) > 0 {
				s += fmt.Sprintf(" %d browsers did not answer (see unreachable).", len(r.Unreachable))
			}
			return s
		},
	})
}
