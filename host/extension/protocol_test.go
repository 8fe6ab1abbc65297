package extension

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The extension mirrors protocol.go in extension/protocol.js. These tests
// read both files and fail where they disagree, so that neither side can
// change a method, its params or result, an error code or a shared
// constant without the other.

// goProtocol is what protocol.go says, read from its source.
type goProtocol struct {
	methods map[string]string          // method name → its doc comment
	codes   []string                   // values of the Code* constants
	structs map[string]map[string]bool // type name → json field → optional
}

func readGo(t *testing.T) goProtocol {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "protocol.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	shared := rpcConstants(t, fset)
	p := goProtocol{methods: map[string]string{}, structs: map[string]map[string]bool{}}
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range g.Specs {
			switch s := spec.(type) {
			case *ast.ValueSpec:
				if g.Tok != token.CONST || len(s.Names) != 1 || len(s.Values) != 1 {
					continue
				}
				name := s.Names[0].Name
				var value string
				switch v := s.Values[0].(type) {
				case *ast.BasicLit:
					value, _ = strconv.Unquote(v.Value)
				case *ast.SelectorExpr:
					value = shared[v.Sel.Name]
				}
				switch {
				case strings.HasPrefix(name, "Method"):
					p.methods[value] = strings.Join(strings.Fields(s.Doc.Text()), " ")
				case strings.HasPrefix(name, "Code"):
					p.codes = append(p.codes, value)
				}
			case *ast.TypeSpec:
				st, ok := s.Type.(*ast.StructType)
				if !ok {
					continue
				}
				fields := map[string]bool{}
				for _, fl := range st.Fields.List {
					if fl.Tag == nil {
						continue
					}
					tag, _ := strconv.Unquote(fl.Tag.Value)
					name, opts, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
					if name == "" || name == "-" {
						continue
					}
					fields[name] = strings.Contains(opts, "omitempty")
				}
				p.structs[s.Name.Name] = fields
			}
		}
	}
	if len(p.methods) < 10 || len(p.codes) < 5 || len(p.structs) < 10 {
		t.Fatalf("read too little of protocol.go: %d methods, %d codes, %d types", len(p.methods), len(p.codes), len(p.structs))
	}
	return p
}

// rpcConstants reads the string constants of package rpc, which
// protocol.go reuses for the codes every link shares.
func rpcConstants(t *testing.T, fset *token.FileSet) map[string]string {
	t.Helper()
	pkgs, err := parser.ParseDir(fset, filepath.Join("..", "rpc"), func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, decl := range f.Decls {
				if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.CONST {
					for _, spec := range g.Specs {
						s := spec.(*ast.ValueSpec)
						if len(s.Names) == 1 && len(s.Values) == 1 {
							if lit, ok := s.Values[0].(*ast.BasicLit); ok {
								out[s.Names[0].Name], _ = strconv.Unquote(lit.Value)
							}
						}
					}
				}
			}
		}
	}
	return out
}

// jsProtocol is what extension/protocol.js says.
type jsProtocol struct {
	src     string
	methods map[string]string // method name → its comment
	codes   []string
}

var (
	jsObject = regexp.MustCompile(`(?s)export const (\w+) = Object\.freeze\(\{\n(.*?)\n\}\);`)
	jsEntry  = regexp.MustCompile(`^\s*[A-Z_]+: '([^']+)',(?:\s*//\s*(.*))?$`)
)

func readJS(t *testing.T) jsProtocol {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "extension", "protocol.js"))
	if err != nil {
		t.Fatal(err)
	}
	p := jsProtocol{src: string(b), methods: map[string]string{}}
	for _, obj := range jsObject.FindAllStringSubmatch(p.src, -1) {
		for _, line := range strings.Split(obj[2], "\n") {
			m := jsEntry.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			switch obj[1] {
			case "HostRequest", "HostNotification", "ExtensionNotification", "UIRequest":
				p.methods[m[1]] = m[2]
			case "ErrorCode":
				p.codes = append(p.codes, m[1])
			}
		}
	}
	return p
}

func TestProtocolJSHasEveryMethodAndCode(t *testing.T) {
	g, js := readGo(t), readJS(t)
	goNames, jsNames := slices.Sorted(maps.Keys(g.methods)), slices.Sorted(maps.Keys(js.methods))
	if !slices.Equal(goNames, jsNames) {
		t.Errorf("methods differ:\n protocol.go %v\n protocol.js %v", goNames, jsNames)
	}
	if gc, jc := slices.Sorted(slices.Values(g.codes)), slices.Sorted(slices.Values(js.codes)); !slices.Equal(gc, jc) {
		t.Errorf("error codes differ:\n protocol.go %v\n protocol.js %v", gc, jc)
	}
	if !slices.Equal(slices.Sorted(slices.Values(g.codes)), slices.Sorted(slices.Values(codes))) {
		t.Errorf("the codes list %v misses some Code* constant of %v", codes, g.codes)
	}
}

// shape is one side's description of a params or result: nothing, a type
// name, a list of fields, or free text that is not checked.
type shape struct {
	none   bool
	typ    string
	fields map[string]bool // name → optional
	text   string
}

// parseShape reads the start of a description: "—", "{}", "{a, b?}",
// "{captures: CaptureState[]}", "Tab (…)", or text.
func parseShape(s string) shape {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || strings.HasPrefix(s, "—"):
		return shape{none: true}
	case strings.HasPrefix(s, "{"):
		depth, end := 0, -1
		for i, r := range s {
			if r == '{' || r == '[' {
				depth++
			} else if r == '}' || r == ']' {
				depth--
				if depth == 0 {
					end = i
					break
				}
			}
		}
		if end < 0 {
			return shape{text: s}
		}
		fields := map[string]bool{}
		depth = 0
		item := ""
		flush := func() {
			name, _, _ := strings.Cut(strings.TrimSpace(item), ":")
			name = strings.TrimSpace(name)
			if name != "" {
				fields[strings.TrimSuffix(name, "?")] = strings.HasSuffix(name, "?")
			}
			item = ""
		}
		for _, r := range s[1:end] {
			switch {
			case r == '{' || r == '[':
				depth++
			case r == '}' || r == ']':
				depth--
			case r == ',' && depth == 0:
				flush()
				continue
			}
			item += string(r)
		}
		flush()
		return shape{fields: fields}
	case s[0] >= 'A' && s[0] <= 'Z':
		word, _, _ := strings.Cut(s, " ")
		return shape{typ: strings.TrimRight(word, ".,;")}
	}
	return shape{text: s}
}

// goShape reads "Params: X." or "Result: X." from a method's doc comment.
func goShape(doc, label string) shape {
	_, rest, ok := strings.Cut(doc, label+": ")
	if !ok {
		return shape{none: true}
	}
	if strings.HasPrefix(rest, "{}") {
		return shape{fields: map[string]bool{}}
	}
	return parseShape(rest)
}

// agree checks a protocol.js description against protocol.go's.
func (g goProtocol) agree(t *testing.T, method, what string, goSide, jsSide shape) {
	t.Helper()
	switch {
	case goSide.text != "" || jsSide.text != "":
		return // prose on either side: not a type to compare
	case goSide.none || jsSide.none:
		if goSide.none != jsSide.none {
			t.Errorf("%s %s: protocol.go has %+v, protocol.js %+v", method, what, goSide, jsSide)
		}
		return
	}
	want := goSide.fields
	if goSide.typ != "" {
		if jsSide.typ != "" {
			if jsSide.typ != goSide.typ {
				t.Errorf("%s %s: protocol.go says %s, protocol.js %s", method, what, goSide.typ, jsSide.typ)
			}
			return
		}
		var ok bool
		if want, ok = g.structs[goSide.typ]; !ok {
			t.Errorf("%s %s: protocol.go names %s, which it does not define", method, what, goSide.typ)
			return
		}
	} else if jsSide.typ != "" {
		t.Errorf("%s %s: protocol.go lists fields %v, protocol.js names %s", method, what, want, jsSide.typ)
		return
	}
	if !reflect.DeepEqual(want, jsSide.fields) {
		t.Errorf("%s %s: protocol.go has fields %v (true: optional), protocol.js %v", method, what, want, jsSide.fields)
	}
}

func TestProtocolJSAgreesOnParamsAndResults(t *testing.T) {
	g, js := readGo(t), readJS(t)
	for method, doc := range g.methods {
		comment, ok := js.methods[method]
		if !ok {
			continue // reported by TestProtocolJSHasEveryMethodAndCode
		}
		params, result, isRequest := strings.Cut(comment, "→")
		g.agree(t, method, "params", goShape(doc, "Params"), parseShape(params))
		if isRequest {
			g.agree(t, method, "result", goShape(doc, "Result"), parseShape(result))
		} else if strings.Contains(doc, "Result: ") {
			t.Errorf("%s: protocol.go gives a result, protocol.js none", method)
		}
	}
}

func TestProtocolJSConstants(t *testing.T) {
	js := readJS(t)
	number := func(name string) int {
		t.Helper()
		m := regexp.MustCompile(`export const ` + name + ` = ([\d\s*]+);`).FindStringSubmatch(js.src)
		if m == nil {
			t.Fatalf("protocol.js has no %s", name)
		}
		n := 1
		for _, f := range strings.Split(m[1], "*") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			n *= v
		}
		return n
	}
	if got := number("PROTOCOL_VERSION"); got != ProtocolVersion {
		t.Errorf("PROTOCOL_VERSION is %d in protocol.js, %d in protocol.go", got, ProtocolVersion)
	}
	if got := number("MAX_CHUNK_DATA"); got != MaxChunkData {
		t.Errorf("MAX_CHUNK_DATA is %d in protocol.js, %d in protocol.go", got, MaxChunkData)
	}
	if got := number("DRAIN_TIMEOUT_MS"); got != DrainTimeoutMs {
		t.Errorf("DRAIN_TIMEOUT_MS is %d in protocol.js, %d in protocol.go", got, DrainTimeoutMs)
	}
	for name, want := range map[string]string{"DRAIN_COMMAND": DrainCommand, "RESPONSE_BODY_EVENT": ResponseBodyEvent} {
		if m := regexp.MustCompile(`export const ` + name + ` = '([^']*)';`).FindStringSubmatch(js.src); m == nil || m[1] != want {
			t.Errorf("%s in protocol.js is %q, want %q as in protocol.go", name, m, want)
		}
	}
	m := regexp.MustCompile(`(?s)export const UNDEBUGGABLE_PREFIXES = Object\.freeze\(\[(.*?)\]\);`).FindStringSubmatch(js.src)
	if m == nil {
		t.Fatal("protocol.js has no UNDEBUGGABLE_PREFIXES")
	}
	var prefixes []string
	for _, q := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(m[1], -1) {
		prefixes = append(prefixes, q[1])
	}
	if !slices.Equal(prefixes, UndebuggablePrefixes) {
		t.Errorf("the pages browsers refuse to debug differ:\n protocol.go %q\n protocol.js %q", UndebuggablePrefixes, prefixes)
	}
}

func TestParseShape(t *testing.T) {
	for in, want := range map[string]shape{
		"— ":                                 {none: true},
		"{tabId, followPopups?} ":            {fields: map[string]bool{"tabId": false, "followPopups": true}},
		"{events: [{tabId, x}], dropped?} ":  {fields: map[string]bool{"events": false, "dropped": true}},
		"Tab (with focusedAt)":               {typ: "Tab"},
		"the command's result":               {text: "the command's result"},
		"{captures: CaptureState[]}; for it": {fields: map[string]bool{"captures": false}},
	} {
		if got := parseShape(in); !reflect.DeepEqual(got, want) {
			t.Errorf("parseShape(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestUndebuggable(t *testing.T) {
	for url, want := range map[string]bool{
		"chrome://settings/":                             true,
		"CHROME://newtab/":                               true,
		"https://chromewebstore.google.com/detail/x":     true,
		"view-source:https://example.com/":               true,
		"https://example.com/chrome://":                  false,
		"about:blank":                                    false,
		"https://microsoftedge.microsoft.com/addons/foo": true,
	} {
		if got := Undebuggable(url); got != want {
			t.Errorf("Undebuggable(%q) = %v", url, got)
		}
	}
}
