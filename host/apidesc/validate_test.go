package apidesc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tabtap/tabtap/host/capture/capturetest"
	"github.com/tabtap/tabtap/internal/testenv"
)

// TestOpenAPIValidates: the documents of the hand-made app and of the
// notebook app as Chromium showed it are valid OpenAPI 3.1.
func TestOpenAPIValidates(t *testing.T) {
	for name, d := range map[string]func() *API{
		"kernels": func() *API { a, _ := describe(t, kernelsApp()); return a },
		"notebook": func() *API {
			a, _ := describe(t, capturetest.Saved(t, capturetest.Testdata("notebook-capture.json")))
			return a
		},
	} {
		path := filepath.Join(t.TempDir(), name+".json")
		b, err := json.Marshal(d().OpenAPI(name, 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if v := testenv.ValidateOpenAPI(t, path); !v.Valid || v.Version != "3.1" {
			t.Errorf("%s: %+v\n%s", name, v, b)
		}
	}
}
