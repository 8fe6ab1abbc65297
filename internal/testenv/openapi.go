package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// OpenAPIVerdict is a validator's verdict on an OpenAPI document.
type OpenAPIVerdict struct {
	Valid bool `json:"valid"`
	// Version is the OpenAPI version the document was checked as ("3.1").
	Version string `json:"version"`
	Errors  []any  `json:"errors"`
}

// ValidateOpenAPI checks the OpenAPI document at path with a real
// validator: npm @seriousme/openapi-schema-validator (the OpenAPI 3.0 and
// 3.1 JSON Schemas), pinned in openapi/ beside this file and installed
// with NPM.
func ValidateOpenAPI(t testing.TB, path string) OpenAPIVerdict {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	tool := NPM(t, "openapi", filepath.Join(filepath.Dir(here), "openapi"), "validate.mjs")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(tool, "validate.mjs"), path)
	cmd.Dir = tool
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("validating %s: %v\n%s", path, err, stderr.String())
	}
	var v OpenAPIVerdict
	if err := json.Unmarshal(bytes.TrimSpace(out), &v); err != nil {
		t.Fatalf("the OpenAPI validator printed %q: %v", out, err)
	}
	return v
}
