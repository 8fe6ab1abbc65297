package ops

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

// strict decodes a call's arguments: an unknown argument is an error that
// names it, so that a misspelt option is not silently ignored.
func strict(raw json.RawMessage, into any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return explainJSON(err)
	}
	return nil
}

// resultLimit is a call's maxResultBytes, or the default.
func resultLimit(raw json.RawMessage) (int, error) {
	var l struct {
		MaxResultBytes *int `json:"maxResultBytes"`
	}
	_ = json.Unmarshal(raw, &l) // strict has said what is wrong
	return api.ResultBytes.Or(l.MaxResultBytes)
}

// checkEnums refuses a string argument whose schema lists the values it
// may take when the call gives another, in the schema's own words.
func checkEnums(t mcp.Tool, raw json.RawMessage) error {
	var args map[string]any
	if json.Unmarshal(raw, &args) != nil {
		return nil // strict says what is wrong
	}
	for name, v := range args {
		prop, _ := t.InputSchema.Properties[name].(map[string]any)
		values, _ := prop["enum"].([]string)
		got, isString := v.(string)
		if len(values) == 0 || !isString || slices.Contains(values, got) {
			continue
		}
		return fmt.Errorf("%s must be %s, not %q", name, oneOf(values), got)
	}
	return nil
}

// oneOf lists values for a sentence: "a", "a or b", "a, b or c".
func oneOf(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// explainJSON turns a decoding error into a sentence about the argument.
func explainJSON(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// Field names embedded structs by their Go names
		// ("Settings.maxBodyBytes"); arguments are flat, so the last
		// element is the argument.
		name := te.Field[strings.LastIndex(te.Field, ".")+1:]
		if name == "" {
			name = "the arguments"
		}
		return fmt.Errorf("%s must be %s, not %s", name, jsonType(te.Type.Kind().String()), jsonValue(te.Value))
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("unknown argument %s", msg)
	}
	return err
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "an integer"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "bool":
		return "a boolean"
	case kind == "string":
		return "a string"
	case kind == "slice", kind == "array":
		return "a list"
	case kind == "struct", kind == "map", kind == "ptr":
		return "an object"
	}
	return kind
}

// jsonValue says what encoding/json found instead: "string", "number",
// "number 2.5", "bool", "array", "object".
func jsonValue(v string) string {
	switch v {
	case "string", "number":
		return "a " + v
	case "bool":
		return "a boolean"
	case "array":
		return "a list"
	case "object":
		return "an object"
	}
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return n
	}
	return v
}
