package daemon

import (
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
)

// send_request sends a captured request again, as the person: from the
// session's tab, through the extension (extension.MethodTabsFetch), with
// the credentials the original carried. Only to the sites the person
// allows (Policy.SendSites), and only requests that read unless the
// person allows more (Policy.SendChanges). The extension checks both again
// (extension/lib/policy.js, sendRefusal) before it sends anything.

// readMethods change nothing on a server: agents may send them again
// without Policy.SendChanges.
var readMethods = []string{"GET", "HEAD", "OPTIONS"}

// sendRefusal says why the person's settings refuse that an agent sends
// method to rawURL as them, or returns nil when they allow it.
func sendRefusal(p extension.Policy, method, rawURL string) error {
	host := redactedHost(rawURL)
	if site := blockedSite(parseSites(p.BlockedSites), rawURL); site != "" {
		return api.Errorf(api.CodeForbidden, "send_request is refused: the person's tabtap settings keep agents away from %s (blocked site %q); %s", host, site, whereToChange)
	}
	if blockedSite(parseSites(p.SendSites), rawURL) == "" {
		return api.Errorf(api.CodeForbidden, "send_request is refused: the person's tabtap settings do not let agents send requests as them to %s (“Sites where agents may send requests as you”, none by default); %s", host, whereToChange)
	}
	m := strings.ToUpper(method)
	for _, r := range readMethods {
		if m == r {
			return nil
		}
	}
	if !p.SendChanges {
		return api.Errorf(api.CodeForbidden, "send_request is refused: %s can change things, and the person's tabtap settings let agents send only GET, HEAD and OPTIONS requests as them (“Including requests that change things”, off by default); %s", method, whereToChange)
	}
	return nil
}
