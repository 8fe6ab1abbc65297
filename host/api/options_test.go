package api

import (
	"strings"
	"testing"
)

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
