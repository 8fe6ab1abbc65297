package tools

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

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
