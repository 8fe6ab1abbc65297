package clients

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// tomlEditor edits Codex's config.toml. go-toml's parser says where each
// table header and key/value line is; the edit replaces or inserts whole
// lines there, so comments, order and layout elsewhere stay as they were.
// Values are written by go-toml's encoder. tabtap's entry must be a
// [mcp_servers.tabtap] table (the form `codex mcp add` writes); other forms
// (dotted keys, inline tables) are read but not edited.
type tomlEditor struct{}

// tomlExpr is one top-level line of a TOML document: a table header or a
// key/value.
type tomlExpr struct {
	header bool     // [table] or [[array]]
	array  bool     // [[array]]
	path   []string // the header's table, or the key's full path
	start  int      // offset of the start of its line
	end    int      // offset just past its line break (or the end of the file)
	// valStart and valEnd bound a key/value's value.
	valStart, valEnd int
}

// tomlDoc is a parsed TOML file.
type tomlDoc struct {
	data  []byte
	nl    string
	exprs []tomlExpr
}

func parseTOML(data []byte) (*tomlDoc, error) {
	d := &tomlDoc{data: data, nl: "\n"}
	if bytes.Contains(data, []byte("\r\n")) {
		d.nl = "\r\n"
	}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			keys, first, last := keyPath(n.Key())
			table = keys
			d.exprs = append(d.exprs, tomlExpr{
				header: true, array: n.Kind == unstable.ArrayTable, path: keys,
				start: lineStart(data, first), end: lineEnd(data, last),
			})
		case unstable.KeyValue:
			keys, _, last := keyPath(n.Key())
			end := int(n.Raw.Offset + n.Raw.Length)
			eq := bytes.IndexByte(data[last:end], '=')
			if eq < 0 {
				return nil, fmt.Errorf("no '=' after the key %s", strings.Join(keys, "."))
			}
			valStart := last + eq + 1
			for valStart < end && (data[valStart] == ' ' || data[valStart] == '\t') {
				valStart++
			}
			d.exprs = append(d.exprs, tomlExpr{
				path:  append(slices.Clone(table), keys...),
				start: lineStart(data, int(n.Raw.Offset)), end: lineEnd(data, end),
				valStart: valStart, valEnd: end,
			})
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	return d, nil
}

// keyPath reads a (dotted) key: its parts, the offset of its first byte and
// the offset just past its last.
func keyPath(it unstable.Iterator) (parts []string, first, last int) {
	first = -1
	for it.Next() {
		k := it.Node()
		parts = append(parts, string(k.Data))
		if first < 0 {
			first = int(k.Raw.Offset)
		}
		last = int(k.Raw.Offset + k.Raw.Length)
	}
	return parts, first, last
}

func lineStart(data []byte, off int) int {
	return bytes.LastIndexByte(data[:off], '\n') + 1
}

func lineEnd(data []byte, off int) int {
	if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(data)
}

func hasPrefix(path, prefix []string) bool {
	return len(path) >= len(prefix) && slices.Equal(path[:len(prefix)], prefix)
}

// sectionEnd is where the section opened by the header at index h ends:
// past the line of its last key/value (comments and blank lines before the
// next header belong to what follows), or past the header itself.
func (d *tomlDoc) sectionEnd(h int) int {
	end := d.exprs[h].end
	for _, e := range d.exprs[h+1:] {
		if e.header {
			break
		}
		end = e.end
	}
	return end
}

// entryTables finds the header of [mcp_servers.tabtap] (-1 when there is
// none) and the headers of its subtables ([mcp_servers.tabtap.env]…). It
// refuses an entry written in another form, which an edit by lines could
// break.
func (d *tomlDoc) entryTables(c Client) (table int, subtables []int, err error) {
	entry := []string{c.Container, ServerName}
	table = -1
	inEntry := false // the current section is the entry's or one of its subtables
	for i, e := range d.exprs {
		if e.header {
			inEntry = hasPrefix(e.path, entry) && !e.array
			switch {
			case hasPrefix(e.path, entry) && e.array:
				return -1, nil, fmt.Errorf("[[%s]] is an array of tables, not a server", strings.Join(e.path, "."))
			case slices.Equal(e.path, entry):
				table = i
			case inEntry:
				subtables = append(subtables, i)
			}
			continue
		}
		switch {
		case slices.Equal(e.path, []string{c.Container}):
			return -1, nil, fmt.Errorf("%s is an inline table (%s = {…}); write its servers as [%s.NAME] tables", c.Container, c.Container, c.Container)
		case hasPrefix(e.path, entry) && !inEntry:
			return -1, nil, fmt.Errorf("%s.%s is written with dotted keys or an inline table; write it as a [%s.%s] table or remove it", c.Container, ServerName, c.Container, ServerName)
		}
	}
	return table, subtables, nil
}

// isBlank tells whether b holds only spaces, tabs and line breaks.
func isBlank(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

// tomlEdit replaces data[start:end] with text.
type tomlEdit struct {
	start, end int
	text       string
}

func (d *tomlDoc) apply(edits []tomlEdit) []byte {
	slices.SortFunc(edits, func(a, b tomlEdit) int { return b.start - a.start })
	out := bytes.Clone(d.data)
	for _, e := range edits {
		out = slices.Concat(out[:e.start], []byte(e.text), out[e.end:])
	}
	return out
}

// tomlValue encodes v as a TOML value with go-toml.
func tomlValue(v any) (string, error) {
	b, err := toml.Marshal(map[string]any{"v": v})
	if err != nil {
		return "", err
	}
	s, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "v = ")
	if !ok {
		return "", fmt.Errorf("unexpected TOML encoding %q", b)
	}
	return s, nil
}

func (tomlEditor) lookup(data []byte, c Client) (*Entry, error) {
	m, err := tomlEditor{}.decode(data)
	if err != nil {
		return nil, err
	}
	servers, ok := m[c.Container]
	if !ok {
		return nil, nil
	}
	list, ok := servers.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("its %s is not a table", c.Container)
	}
	v, ok := list[ServerName]
	if !ok {
		return nil, nil
	}
	return entryFrom(v)
}

func (tomlEditor) set(data []byte, c Client, command string) ([]byte, error) {
	d, err := parseTOML(data)
	if err != nil {
		return nil, err
	}
	table, _, err := d.entryTables(c)
	if err != nil {
		return nil, err
	}
	var fields []string // key = value lines to add
	var edits []tomlEdit
	for _, f := range c.fields(command) {
		val, err := tomlValue(f.value)
		if err != nil {
			return nil, err
		}
		if table < 0 {
			fields = append(fields, f.key+" = "+val)
			continue
		}
		path := []string{c.Container, ServerName, f.key}
		i := slices.IndexFunc(d.exprs, func(e tomlExpr) bool { return !e.header && slices.Equal(e.path, path) })
		switch {
		case i < 0:
			fields = append(fields, f.key+" = "+val)
		case f.ifAbsent:
		default:
			e := d.exprs[i]
			old, err := decodeTOMLValue(data[e.valStart:e.valEnd])
			if err != nil || !jsonEqual(old, f.value) {
				edits = append(edits, tomlEdit{e.valStart, e.valEnd, val})
			}
		}
	}
	lines := ""
	for _, f := range fields {
		lines += f + d.nl
	}
	if table >= 0 {
		if lines != "" {
			at := d.sectionEnd(table)
			if at > 0 && data[at-1] != '\n' {
				lines = d.nl + lines
			}
			edits = append(edits, tomlEdit{at, at, lines})
		}
		return d.apply(edits), nil
	}

	// A new table goes after the last [mcp_servers.…] table, else at the end.
	at := len(data)
	for i := len(d.exprs) - 1; i >= 0; i-- {
		if e := d.exprs[i]; e.header && !e.array && len(e.path) > 1 && e.path[0] == c.Container {
			at = d.sectionEnd(i)
			break
		}
	}
	block := "[" + c.Container + "." + ServerName + "]" + d.nl + lines
	if at > 0 {
		if data[at-1] != '\n' {
			block = d.nl + block
		}
		block = d.nl + block
	}
	return d.apply([]tomlEdit{{at, at, block}}), nil
}

func (tomlEditor) remove(data []byte, c Client) ([]byte, error) {
	d, err := parseTOML(data)
	if err != nil {
		return nil, err
	}
	table, subtables, err := d.entryTables(c)
	if err != nil {
		return nil, err
	}
	if table < 0 && len(subtables) == 0 {
		return data, nil
	}
	headers := subtables
	if table >= 0 {
		headers = append(headers, table)
	}
	slices.Sort(headers)
	// Each table with what follows up to its last key; tables next to each
	// other (the entry and its subtables) go as one block.
	var edits []tomlEdit
	for _, h := range headers {
		start, end := d.exprs[h].start, d.sectionEnd(h)
		if n := len(edits); n > 0 && isBlank(data[edits[n-1].end:start]) {
			edits[n-1].end = end
			continue
		}
		edits = append(edits, tomlEdit{start: start, end: end})
	}
	// The blank line a block was set apart with goes too: the one before
	// it, or for a block first in the file the one after it.
	for i, e := range edits {
		switch {
		case e.start >= 2 && string(data[e.start-2:e.start]) == "\r\n" && (e.start == 2 || data[e.start-3] == '\n'):
			edits[i].start -= 2
		case e.start >= 1 && data[e.start-1] == '\n' && (e.start == 1 || data[e.start-2] == '\n'):
			edits[i].start--
		case e.start == 0 && bytes.HasPrefix(data[e.end:], []byte("\r\n")):
			edits[i].end += 2
		case e.start == 0 && bytes.HasPrefix(data[e.end:], []byte("\n")):
			edits[i].end++
		}
	}
	return d.apply(edits), nil
}

func (tomlEditor) decode(data []byte) (map[string]any, error) {
	m := map[string]any{}
	if err := toml.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeTOMLValue reads one TOML value.
func decodeTOMLValue(raw []byte) (any, error) {
	var m map[string]any
	if err := toml.Unmarshal(append([]byte("v = "), raw...), &m); err != nil {
		return nil, err
	}
	return m["v"], nil
}
