// Package hartest validates HAR documents in tests: against the HAR 1.2
// JSON Schema (the files of the npm package har-schema, embedded), and
// against the rules of the HAR 1.2 specification that schema leaves out.
// Any package's tests can check the HAR tabtap writes with it; it is not
// meant for production code.
package hartest

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed har-schema/*.json
var schemaFiles embed.FS

// base is where the schema files are registered; their $ids ("har.json#",
// "log.json#", …) and references resolve against it.
const base = "https://har-schema.invalid/lib/"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft6)
	// har-validator (ajv) checks formats: date-time, uri, ipv4/ipv6.
	c.AssertFormat()
	names, err := fs.Glob(schemaFiles, "har-schema/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		raw, err := schemaFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := c.AddResource(base+path.Base(name), doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return c.Compile(base + "har.json")
})

// Validate checks that doc is a valid HAR 1.2 document: it must match the
// HAR 1.2 JSON Schema, and follow the rules the schema does not express
// (timings send, wait and receive and entry times not negative, the
// others at least -1; sizes at least -1; unique page ids; every pageref
// naming a page). The error lists every problem found.
func Validate(doc []byte) error {
	sch, err := compiled()
	if err != nil {
		return fmt.Errorf("hartest: compiling the HAR schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("does not match the HAR 1.2 schema: %w", err)
	}
	if problems := specChecks(v); len(problems) > 0 {
		return errors.New("breaks HAR 1.2: " + strings.Join(problems, "; "))
	}
	return nil
}

// Check fails the test when doc is not a valid HAR 1.2 document, saying
// why.
func Check(tb testing.TB, doc []byte) {
	tb.Helper()
	if err := Validate(doc); err != nil {
		tb.Fatalf("invalid HAR: %v", err)
	}
}

// CheckValue marshals v (a *har.HAR, say) and checks the result.
func CheckValue(tb testing.TB, v any) {
	tb.Helper()
	doc, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal HAR: %v", err)
	}
	Check(tb, doc)
}

// specChecks applies the rules of the specification that the schema
// misses. v has passed the schema.
func specChecks(v any) []string {
	var problems []string
	bad := func(format string, args ...any) {
		if len(problems) < 50 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	log, _ := obj(v)["log"].(map[string]any)
	pages := map[string]bool{}
	list, _ := log["pages"].([]any)
	for i, p := range list {
		id, _ := obj(p)["id"].(string)
		if pages[id] {
			bad("/log/pages/%d: page id %q is not unique", i, id)
		}
		pages[id] = true
		atLeast(bad, fmt.Sprintf("/log/pages/%d/pageTimings", i), obj(obj(p)["pageTimings"]), -1, "onContentLoad", "onLoad")
	}
	entries, _ := log["entries"].([]any)
	for i, e := range entries {
		at := fmt.Sprintf("/log/entries/%d", i)
		m := obj(e)
		if ref, ok := m["pageref"].(string); ok && !pages[ref] {
			bad("%s: pageref %q names no page", at, ref)
		}
		atLeast(bad, at, m, 0, "time")
		atLeast(bad, at+"/timings", obj(m["timings"]), 0, "send", "wait", "receive")
		atLeast(bad, at+"/timings", obj(m["timings"]), -1, "blocked", "dns", "connect", "ssl")
		atLeast(bad, at+"/request", obj(m["request"]), -1, "headersSize", "bodySize")
		atLeast(bad, at+"/response", obj(m["response"]), -1, "headersSize", "bodySize")
		atLeast(bad, at+"/response/content", obj(obj(m["response"])["content"]), 0, "size")
	}
	return problems
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// atLeast reports the numeric fields of m below min.
func atLeast(bad func(string, ...any), at string, m map[string]any, least float64, fields ...string) {
	for _, f := range fields {
		n, ok := m[f].(json.Number)
		if !ok {
			continue
		}
		if x, err := n.Float64(); err == nil && x < least {
			bad("%s/%s is %s, less than %g", at, f, n, least)
		}
	}
}
