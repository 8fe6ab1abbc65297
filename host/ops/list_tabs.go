package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/shape"
)

var listTabs = New(Spec[api.None, api.ListTabsResult, api.ListTabsResult]{
	Name:  api.ListTabs,
	Title: "List browser tabs",
	Description: "List the tabs of every connected browser: tabId, windowId, title, url, active, browser (the profile's label). " +
		"A tab being captured shows its sessionId.",
	ReadOnly: true,
	Route:    Everyone,
	Run: func(ctx context.Context, b Backend, _ api.None) (api.ListTabsResult, error) {
		return b.ListTabs(ctx)
	},
	Shape: func(r api.ListTabsResult, budget int) (api.ListTabsResult, error) {
		r.Unlisted += cutList(&r.Tabs, budget-(shape.Size(r)-shape.Size(r.Tabs)))
		return r, nil
	},
	Merge: func(parts []api.ListTabsResult, unreachable []string) api.ListTabsResult {
		out := api.ListTabsResult{Tabs: []api.Tab{}, Browsers: []string{}}
		for _, p := range parts {
			out.Tabs = append(out.Tabs, p.Tabs...)
			out.Browsers = append(out.Browsers, p.Browsers...)
			out.Unreachable = append(out.Unreachable, p.Unreachable...)
			out.Unlisted += p.Unlisted
		}
		out.Unreachable = append(out.Unreachable, unreachable...)
		return out
	},
	Headline: func(r api.ListTabsResult) string {
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

// cutList drops items from the end of *xs until their JSON takes at most
// room bytes, and returns how many it dropped. It shortens the slice and
// writes nothing into it.
func cutList[T any](xs *[]T, room int) int {
	total := shape.Size(*xs)
	cut := 0
	for total > room && len(*xs) > 0 {
		last := (*xs)[len(*xs)-1]
		total -= shape.Size(last) + 1
		*xs = (*xs)[:len(*xs)-1]
		cut++
	}
	return cut
}
