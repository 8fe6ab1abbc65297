package daemon

import (
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/extension"
)

func TestSendRefusal(t *testing.T) {
	allowed := extension.Policy{SendSites: []string{"*.app.test", "https://other.test/x"}}
	changes := allowed
	changes.SendChanges = true
	blocked := changes
	blocked.BlockedSites = []string{"api.app.test"}
	for _, c := range []struct {
		p           extension.Policy
		method, url string
		want        string // "" when allowed
	}{
		{extension.Policy{}, "GET", "https://app.test/", "Sites where agents may send requests as you"},
		{allowed, "GET", "https://app.test/api", ""},
		{allowed, "head", "https://www.app.test/", ""},
		{allowed, "OPTIONS", "http://other.test:8080/", ""},
		{allowed, "GET", "https://app.test.evil/", "to app.test.evil"},
		{allowed, "GET", "https://notapp.test/", "to notapp.test"},
		{allowed, "POST", "https://app.test/", "POST can change things"},
		{allowed, "DELETE", "https://app.test/", "Including requests that change things"},
		{allowed, "PROPFIND", "https://app.test/", "can change things"},
		{changes, "POST", "https://app.test/", ""},
		{changes, "PATCH", "https://app.test/", ""},
		{blocked, "GET", "https://api.app.test/", "keep agents away"},
	} {
		err := sendRefusal(c.p, c.method, c.url)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s: %v, want it allowed", c.method, c.url, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s: %v, want a refusal with %q", c.method, c.url, err, c.want)
		case err != nil && (api.CodeOf(err) != api.CodeForbidden || !strings.Contains(err.Error(), "Extension options")):
			t.Errorf("%s %s: %v: want code forbidden, saying where the person changes it", c.method, c.url, err)
		}
	}
}
