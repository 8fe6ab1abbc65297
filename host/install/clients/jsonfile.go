package clients

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tailscale/hujson"
)

// jsonEditor edits JSON configuration files, comments and trailing commas
// allowed (VS Code's JSONC, and what the others accept or tolerate). It
// works on hujson's syntax tree, which packs back byte for byte: only the
// members it adds, changes or removes differ.
type jsonEditor struct{}

// bom is the UTF-8 byte order mark some Windows editors put first.
var bom = []byte("\xEF\xBB\xBF")

// jsonDoc is a parsed JSON configuration file.
type jsonDoc struct {
	bom       bool
	root      hujson.Value
	nl        string // line break of the file: "\n" or "\r\n"
	unit      string // one level of indentation
	multiline bool   // the file spans lines (new objects are laid out over lines too)
	blank     bool   // the file held nothing but whitespace
}

func parseJSON(data []byte) (*jsonDoc, error) {
	d := &jsonDoc{nl: "\n", unit: "  ", multiline: true}
	if bytes.HasPrefix(data, bom) {
		d.bom = true
		data = data[len(bom):]
	}
	if bytes.Contains(data, []byte("\r\n")) {
		d.nl = "\r\n"
	}
	if len(bytes.TrimSpace(data)) == 0 {
		d.blank = true
		data = []byte("{}")
	} else {
		d.multiline = bytes.ContainsRune(data, '\n')
	}
	v, err := hujson.Parse(data)
	if err != nil {
		return nil, err
	}
	d.root = v
	if _, ok := v.Value.(*hujson.Object); !ok {
		return nil, errors.New("the file holds a JSON value that is not an object")
	}
	obj := d.rootObject()
	if len(obj.Members) == 0 {
		d.multiline = true // "{}": lay the new entry out over lines
	} else {
		if ind, ok := lineIndent(obj.Members[0].Name.BeforeExtra); ok && ind != "" {
			d.unit = ind
		}
	}
	return d, nil
}

func (d *jsonDoc) rootObject() *hujson.Object { return d.root.Value.(*hujson.Object) }

// bytes packs the document; a file that held nothing gets a final line
// break.
func (d *jsonDoc) bytes() []byte {
	var out []byte
	if d.bom {
		out = append(out, bom...)
	}
	out = append(out, d.root.Pack()...)
	if d.blank {
		out = append(out, d.nl...)
	}
	return out
}

// lineIndent returns what follows the last line break of extra, when
// extra has one and that part is only spaces and tabs.
func lineIndent(extra []byte) (string, bool) {
	i := bytes.LastIndexByte(extra, '\n')
	if i < 0 {
		return "", false
	}
	rest := extra[i+1:]
	if len(bytes.Trim(rest, " \t")) != 0 {
		return "", false
	}
	return string(rest), true
}

// memberIndex finds the member named name in obj: -1 when there is none,
// an error when there are two (which one a client reads is anybody's guess).
func memberIndex(obj *hujson.Object, name string) (int, error) {
	found := -1
	for i, m := range obj.Members {
		lit, ok := m.Name.Value.(hujson.Literal)
		if !ok || lit.String() != name {
			continue
		}
		if found >= 0 {
			return -1, fmt.Errorf("it has two %q keys in one object; remove one", name)
		}
		found = i
	}
	return found, nil
}

// memberIndent is the indentation of obj's members: that of its first
// member on a line of its own, else one level deeper than parent.
func (d *jsonDoc) memberIndent(obj *hujson.Object, parent string) string {
	for _, m := range obj.Members {
		if ind, ok := lineIndent(m.Name.BeforeExtra); ok {
			return ind
		}
	}
	return parent + d.unit
}

// multilineObject tells whether new members of obj go on lines of their
// own: they do when its members do, or, for an empty object, when the file
// spans lines.
func (d *jsonDoc) multilineObject(obj *hujson.Object) bool {
	if len(obj.Members) == 0 {
		return d.multiline
	}
	for _, m := range obj.Members {
		if bytes.ContainsRune(m.Name.BeforeExtra, '\n') {
			return true
		}
	}
	return false
}

// splitFirstLine splits extra (the whitespace and comments between two
// tokens) before its first line break: p stays on the line of what comes
// before (a trailing comment), s is the rest, starting with the line
// break. p followed by a line break is valid, and so is s; or p is empty.
func splitFirstLine(extra []byte) (p, s []byte) {
	i := bytes.IndexByte(extra, '\n')
	if i < 0 {
		return extra, nil
	}
	if i > 0 && extra[i-1] == '\r' {
		i--
	}
	p, s = extra[:i], extra[i:]
	if !hujson.Extra(append(bytes.Clone(p), '\n')).IsValid() || !hujson.Extra(s).IsValid() {
		return nil, extra
	}
	return p, s
}

// insertMember appends the member name: value to obj, laid out like its
// siblings: on a line of its own at indent (closing indent for the brace
// when obj was empty), or on the same line for an object written on one
// line. A trailing comma stays if obj had one.
func (d *jsonDoc) insertMember(obj *hujson.Object, name string, value hujson.Value, indent, closing string) {
	m := hujson.ObjectMember{Name: hujson.Value{Value: hujson.String(name)}, Value: value}
	m.Value.BeforeExtra = []byte(" ")
	m.Value.AfterExtra = nil
	trailing := len(obj.Members) > 0 && obj.Members[len(obj.Members)-1].Value.AfterExtra != nil
	if d.multilineObject(obj) {
		p, s := splitFirstLine(obj.AfterExtra)
		m.Name.BeforeExtra = append(append(bytes.Clone(p), d.nl...), indent...)
		if !bytes.ContainsRune(s, '\n') {
			s = append([]byte(d.nl+closing), s...)
		}
		obj.AfterExtra = bytes.Clone(s)
	} else if len(obj.Members) > 0 {
		m.Name.BeforeExtra = []byte(" ")
	}
	if trailing {
		m.Value.AfterExtra = []byte{}
	}
	obj.Members = append(obj.Members, m)
}

// removeMember removes obj's member i with the comments before it on its
// own lines; a comment on the line before it stays there. What insertMember
// added, removeMember takes away exactly.
func removeMember(obj *hujson.Object, i int, nl string) {
	last := len(obj.Members) - 1
	hadTrailing := obj.Members[last].Value.AfterExtra != nil
	var keep []byte
	removed := obj.Members[i].Name.BeforeExtra
	if bytes.ContainsRune(removed, '\n') {
		keep, _ = splitFirstLine(removed)
		keep = bytes.Clone(keep)
	}
	obj.Members = append(obj.Members[:i], obj.Members[i+1:]...)
	if i == 0 && len(keep) == 0 && len(obj.Members) > 0 && len(bytes.TrimSpace(obj.Members[0].Name.BeforeExtra)) == 0 {
		// The new first member takes the place of the removed one: {"b": 2},
		// not { "b": 2}.
		obj.Members[0].Name.BeforeExtra = bytes.Clone(removed)
	}
	next := &obj.AfterExtra
	if i < len(obj.Members) {
		next = &obj.Members[i].Name.BeforeExtra
	}
	if len(keep) > 0 && !bytes.HasPrefix(bytes.TrimLeft(*next, " \t"), []byte("\n")) && !bytes.HasPrefix(bytes.TrimLeft(*next, " \t"), []byte("\r\n")) {
		keep = append(keep, nl...) // a line comment must not run into what follows
	}
	*next = append(keep, *next...)
	if len(obj.Members) == 0 {
		if len(bytes.TrimSpace(obj.AfterExtra)) == 0 {
			obj.AfterExtra = nil
		}
		return
	}
	lastValue := &obj.Members[len(obj.Members)-1].Value
	switch {
	case hadTrailing && lastValue.AfterExtra == nil:
		lastValue.AfterExtra = []byte{}
	case !hadTrailing && lastValue.AfterExtra != nil:
		obj.AfterExtra = append(lastValue.AfterExtra, obj.AfterExtra...)
		lastValue.AfterExtra = nil
	}
}

// jsonValue parses the JSON encoding of v as a hujson value.
func jsonValue(v any) (hujson.Value, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return hujson.Value{}, err
	}
	return hujson.Parse(bytes.TrimSpace(buf.Bytes()))
}

// sameJSON tells whether two values mean the same.
func sameJSON(a, b hujson.Value) bool {
	da, err1 := decodeJSONValue(a)
	db, err2 := decodeJSONValue(b)
	return err1 == nil && err2 == nil && jsonEqual(da, db)
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// decodeJSONValue turns a hujson value into plain Go values (numbers as
// json.Number, so nothing is rounded).
func decodeJSONValue(v hujson.Value) (any, error) {
	v = v.Clone()
	v.Standardize()
	dec := json.NewDecoder(bytes.NewReader(v.Pack()))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// servers returns the client's server list in d, creating it when create
// is set; nil when there is none. indent is the indentation of the list's
// members, own that of the list's own key.
func (d *jsonDoc) servers(c Client, create bool) (obj *hujson.Object, indent, own string, err error) {
	root := d.rootObject()
	i, err := memberIndex(root, c.Container)
	if err != nil {
		return nil, "", "", err
	}
	own = d.memberIndent(root, "")
	if i < 0 {
		if !create {
			return nil, "", "", nil
		}
		d.insertMember(root, c.Container, hujson.Value{Value: &hujson.Object{}}, own, "")
		i = len(root.Members) - 1
	}
	obj, ok := root.Members[i].Value.Value.(*hujson.Object)
	if !ok {
		return nil, "", "", fmt.Errorf("its %q is not an object", c.Container)
	}
	return obj, d.memberIndent(obj, own), own, nil
}

func (jsonEditor) lookup(data []byte, c Client) (*Entry, error) {
	d, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	servers, _, _, err := d.servers(c, false)
	if servers == nil || err != nil {
		return nil, err
	}
	i, err := memberIndex(servers, ServerName)
	if i < 0 || err != nil {
		return nil, err
	}
	v, err := decodeJSONValue(servers.Members[i].Value)
	if err != nil {
		return nil, err
	}
	return entryFrom(v)
}

func (jsonEditor) set(data []byte, c Client, command string) ([]byte, error) {
	d, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	servers, indent, own, err := d.servers(c, true)
	if err != nil {
		return nil, err
	}
	i, err := memberIndex(servers, ServerName)
	if err != nil {
		return nil, err
	}
	if i < 0 {
		d.insertMember(servers, ServerName, hujson.Value{Value: &hujson.Object{}}, indent, own)
		i = len(servers.Members) - 1
	}
	entry, ok := servers.Members[i].Value.Value.(*hujson.Object)
	if !ok {
		return nil, fmt.Errorf("its %q entry is not an object; correct or remove it by hand", ServerName)
	}
	fieldIndent := d.memberIndent(entry, indent)
	for _, f := range c.fields(command) {
		want, err := jsonValue(f.value)
		if err != nil {
			return nil, err
		}
		j, err := memberIndex(entry, f.key)
		if err != nil {
			return nil, err
		}
		switch {
		case j < 0:
			d.insertMember(entry, f.key, want, fieldIndent, indent)
		case f.ifAbsent || sameJSON(entry.Members[j].Value, want):
		default:
			entry.Members[j].Value.Value = want.Value
		}
	}
	return d.bytes(), nil
}

func (jsonEditor) remove(data []byte, c Client) ([]byte, error) {
	d, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	servers, _, _, err := d.servers(c, false)
	if servers == nil || err != nil {
		return data, err
	}
	i, err := memberIndex(servers, ServerName)
	if i < 0 || err != nil {
		return data, err
	}
	removeMember(servers, i, d.nl)
	return d.bytes(), nil
}

func (jsonEditor) decode(data []byte) (map[string]any, error) {
	d, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	v, err := decodeJSONValue(d.root)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	return m, nil
}
