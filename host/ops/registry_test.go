package ops

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tabtap/tabtap/host/api"
)

// TestSchemasMatchTheirArguments holds every entry's hand-made schema to
// its Go type: the same arguments, each of the JSON type its field
// decodes, required exactly when the field is not optional. A schema and
// its type cannot drift apart, and no list here needs keeping by hand.
func TestSchemasMatchTheirArguments(t *testing.T) {
	seen := map[string]bool{}
	for _, op := range All() {
		name := op.Name()
		if seen[name] {
			t.Errorf("%s is registered twice", name)
		}
		seen[name] = true
		if found, ok := Find(name); !ok || found != op {
			t.Errorf("Find(%q) does not find it", name)
		}
		args, _ := op.types()
		fields := jsonFields(args)
		schema := op.Tool().InputSchema
		if got, want := slices.Sorted(maps.Keys(schema.Properties)), slices.Sorted(maps.Keys(fields)); !slices.Equal(got, want) {
			t.Errorf("%s: schema arguments %v, Go fields %v", name, got, want)
			continue
		}
		for arg, f := range fields {
			prop, _ := schema.Properties[arg].(map[string]any)
			if typ, _ := prop["type"].(string); typ != f.typ {
				t.Errorf("%s: %s is %q in the schema, %q in Go", name, arg, typ, f.typ)
			}
			if required := slices.Contains(schema.Required, arg); required != !f.optional {
				t.Errorf("%s: %s is required %v in the schema, optional %v in Go", name, arg, required, f.optional)
			}
		}
		tool := op.Tool()
		if tool.Description == "" || tool.Annotations.Title == "" {
			t.Errorf("%s: no description or title", name)
		}
		if *tool.Annotations.ReadOnlyHint && *tool.Annotations.DestructiveHint {
			t.Errorf("%s reads only, yet destroys", name)
		}
		if open := *tool.Annotations.OpenWorldHint; open != openWorld[name] {
			t.Errorf("%s: openWorldHint %v, want %v", name, open, openWorld[name])
		}
	}
}

// openWorld are the tools that reach out to sites as the person, beyond
// the tabs and captures tabtap holds.
var openWorld = map[string]bool{api.SendRequest: true}

// field is what a schema must say of one Go field.
type field struct {
	typ      string // the JSON schema type its values decode from
	optional bool
}

// jsonFields lists the JSON arguments of a struct's fields, embedded ones
// flattened.
func jsonFields(t reflect.Type) map[string]field {
	out := map[string]field{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			maps.Copy(out, jsonFields(f.Type))
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = field{typ: schemaType(f.Type), optional: strings.Contains(opts, "omitempty") || f.Type.Kind() == reflect.Pointer}
	}
	return out
}

func schemaType(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Slice:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return t.Kind().String()
}
