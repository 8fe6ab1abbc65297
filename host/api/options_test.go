package api

import (
	"strings"
	"testing"
)

func TestCheckNavigable(t *testing.T) {
	for _, ok := range []string{"https://example.com/", "http://127.0.0.1:8080/page?x=1", "about:blank", "HTTPS://EXAMPLE.COM"} {
		if err := CheckNavigable(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"file:///home/me/.ssh/id_ed25519", "FILE:///etc/passwd", "chrome://settings", "javascript:alert(1)",
		"data:text/html,<b>x</b>", "chrome-extension://abc/popup.html", "about:config", "view-source:https://a/", "https:///nohost", "relative/path", ""} {
		err := CheckNavigable(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "url") {
			t.Errorf("%q: the error does not name the option: %v", bad, err)
		}
	}
	if _, err := (Settings{URL: "file:///etc/passwd"}).Resolve(); err == nil || !strings.Contains(err.Error(), "only http:// and https://") {
		t.Errorf("Resolve with a file: URL: %v", err)
	}
}

// The error for an unknown resource type names every type accepted.
func TestResourceTypesErrorListsEveryAcceptedType(t *testing.T) {
	_, err := Settings{ResourceTypes: []string{"Fetch", "Websockets"}}.Resolve()
	if err == nil {
		t.Fatal("an unknown type was accepted")
	}
	for _, typ := range ResourceTypes {
		if _, err := (Settings{ResourceTypes: []string{strings.ToUpper(typ)}}).Resolve(); err != nil {
			t.Errorf("%s is not accepted: %v", typ, err)
		}
		if !strings.Contains(err.Error(), typ) {
			t.Errorf("the error %q does not list %s", err, typ)
		}
	}
	if !strings.Contains(err.Error(), `"Websockets"`) {
		t.Errorf("the error %q does not name the wrong type", err)
	}
}
