package daemon

import (
	"net/url"
	"strings"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
)

// The person's policy (extension.Policy) comes with the extension's hello and
// with every change of its options page. Agents get only what it allows:
// their calls are checked here, and a refusal says it is the person's
// setting and where the person changes it.

// whereToChange tells an agent where the person changes a setting.
const whereToChange = "only the person can change it, in the tabtap extension's options (chrome://extensions → tabtap → Details → Extension options)"

// setPolicy takes the person's settings, their limits held to the
// bounds an agent's are (checkLimits).
func (d *Daemon) setPolicy(p extension.Policy) {
	d.checkLimits(&p)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.policy = p
	sites := parseSites(p.BlockedSites)
	d.blocked.Store(&sites)
}

// checkLimits holds the person's limits to the bounds of the options they
// set (api.BodyBytes, api.TotalBytes), as an agent's are held: one out of
// them (from an older extension, or a store edited by hand) is not
// applied, and tabtap's default stands.
func (d *Daemon) checkLimits(p *extension.Policy) {
	if p.MaxBodyBytes != 0 {
		if err := api.BodyBytes.Check(int64(p.MaxBodyBytes)); err != nil {
			d.log.Warn("the person's largest body is out of bounds: tabtap's default applies", "err", err)
			p.MaxBodyBytes = 0
		}
	}
	if p.MaxTotalBytes != 0 {
		if err := api.TotalBytes.Check(p.MaxTotalBytes); err != nil {
			d.log.Warn("the person's capture budget is out of bounds: tabtap's default applies", "err", err)
			p.MaxTotalBytes = 0
		}
	}
}

// blockedSites are the person's blocked sites now, parsed.
func (d *Daemon) blockedSites() []string {
	if p := d.blocked.Load(); p != nil {
		return *p
	}
	return nil
}

// policyNow returns the settings in force.
func (d *Daemon) policyNow() extension.Policy {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.policy
}

// parseSites turns the person's site patterns into host names.
func parseSites(patterns []string) []string {
	var out []string
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		if i := strings.Index(p, "://"); i >= 0 {
			p = p[i+3:]
		}
		if i := strings.IndexAny(p, "/?#"); i >= 0 {
			p = p[:i]
		}
		if i := strings.LastIndexByte(p, '@'); i >= 0 {
			p = p[i+1:]
		}
		p = strings.TrimPrefix(p, "*.")
		p = strings.TrimPrefix(p, ".")
		if h, _, ok := strings.Cut(p, ":"); ok && !strings.HasPrefix(p, "[") {
			p = h
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// blockedSite returns the pattern of the person's blocked sites a URL
// falls under, or "".
func blockedSite(sites []string, raw string) string {
	if len(sites) == 0 || raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return ""
	}
	for _, s := range sites {
		if host == s || strings.HasSuffix(host, "."+s) {
			return s
		}
	}
	return ""
}

// checkSite refuses a URL of a site the person keeps agents away from.
func (d *Daemon) checkSite(raw string) error {
	if site := blockedSite(d.blockedSites(), raw); site != "" {
		return api.Errorf(api.CodeForbidden, "the person's tabtap settings keep agents away from %s (blocked site %q); %s, or the person can capture it from the tabtap popup", redactedHost(raw), site, whereToChange)
	}
	return nil
}

// redactedHost is a URL's host, for a message.
func redactedHost(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return "this page"
}

// applyPolicy checks an agent's (or the popup's) capture settings against
// the person's policy and fills in the person's defaults.
func applyPolicy(p extension.Policy, a *api.Settings, by string) error {
	if by == "agent" && a.RedactSecrets != nil && !*a.RedactSecrets && !p.AllowUnredacted {
		return api.Errorf(api.CodeForbidden, "redactSecrets: false is refused: the person's tabtap settings do not let agents turn redaction off; %s (“Agents may turn off redaction”)", whereToChange)
	}
	if p.CaptureBodies != nil && !*p.CaptureBodies {
		if by == "agent" && a.CaptureBodies != nil && *a.CaptureBodies {
			return api.Errorf(api.CodeForbidden, "captureBodies: true is refused: the person's tabtap settings keep bodies out of captures; %s (“Capture bodies”)", whereToChange)
		}
		off := false
		a.CaptureBodies = &off
	}
	if p.MaxBodyBytes > 0 {
		if a.MaxBodyBytes == nil {
			n := p.MaxBodyBytes
			a.MaxBodyBytes = &n
		} else if by == "agent" && *a.MaxBodyBytes > p.MaxBodyBytes {
			return api.Errorf(api.CodeForbidden, "maxBodyBytes %d is refused: the person's tabtap settings allow at most %d bytes per body; ask for that or less, or %s (“Largest body”)", *a.MaxBodyBytes, p.MaxBodyBytes, whereToChange)
		}
	}
	return nil
}

// applyLimits applies the person's capture budget to resolved options.
func applyLimits(p extension.Policy, o *api.Options) {
	if p.MaxTotalBytes > 0 {
		o.MaxTotalBytes = p.MaxTotalBytes
	}
}

// fenced is the fence of an agent's capture (capture.Fence): why a
// document URL may not be captured, "" when it may. The engine asks it
// for each document request it decodes.
func (d *Daemon) fenced(url string) string {
	if blockedSite(d.blockedSites(), url) == "" {
		return ""
	}
	return "the tab went to " + redactedHost(url) + ", a site the person's tabtap settings keep agents away from"
}
