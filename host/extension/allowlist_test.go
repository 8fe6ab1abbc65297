package extension

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEveryCommandSentIsRelayed: the extension relays only the DevTools
// methods listed in extension/protocol.js (RELAYED_CDP_METHODS); every
// method the host sends through debugger.send must be on that list, or the
// extension would refuse it at run time.
func TestEveryCommandSentIsRelayed(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("..", "..", "extension", "protocol.js"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)RELAYED_CDP_METHODS = Object\.freeze\(\[(.*?)\]\)`).FindSubmatch(js)
	if block == nil {
		t.Fatal("RELAYED_CDP_METHODS not found in extension/protocol.js")
	}
	var allowed []string
	for _, m := range regexp.MustCompile(`'([A-Za-z]+\.[A-Za-z]+)'`).FindAllSubmatch(block[1], -1) {
		allowed = append(allowed, string(m[1]))
	}
	if len(allowed) == 0 {
		t.Fatal("RELAYED_CDP_METHODS is empty")
	}

	files, err := filepath.Glob(filepath.Join("..", "*", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	sends := regexp.MustCompile(`\.Send\(`)
	literal := regexp.MustCompile(`\.Send\(\s*[^,()]+,\s*[^,()]+,\s*"([^"]+)"`)
	var sent []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		calls, named := len(sends.FindAll(src, -1)), literal.FindAllSubmatch(src, -1)
		if strings.Contains(f, filepath.Join("..", "capture")) && calls != len(named) {
			t.Errorf("%s: %d Send calls, %d with the method written out: write each method as a literal so that this test sees it", f, calls, len(named))
		}
		for _, m := range named {
			sent = append(sent, string(m[1]))
			if !slices.Contains(allowed, string(m[1])) {
				t.Errorf("%s sends %s, which extension/protocol.js RELAYED_CDP_METHODS does not allow: add it there", f, m[1])
			}
		}
	}
	if len(sent) < 6 {
		t.Errorf("found only %v sent: the test no longer sees the Send calls", sent)
	}
	for _, a := range allowed {
		if !slices.Contains(sent, a) {
			t.Errorf("extension/protocol.js allows %s, which the host never sends: remove it", a)
		}
	}
}
