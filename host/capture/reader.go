package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/go-json-experiment/json/jsontext"
)

// A capture reads its commonest events with a reader of its own (the types
// of events.go say which fields): decoding them with the JSON package,
// into cdproto's types, cost more CPU than anything else on the event
// path but the collection of garbage, and its maps of headers, a value
// boxed each, were copied into strings at once.
//
// The reader walks the event's text once and turns each value it wants
// into its Go value as the JSON package does: strings unquoted the same
// way (invalid UTF-8 made U+FFFD), numbers parsed the same way, with the
// same errors for a number out of range or a fraction where an integer
// belongs, and a value of another JSON kind than the field's an error. It
// skips the others. The fields that are rare or complex (cookies, stacks,
// bodies) it leaves to the JSON package. Headers become strings shared
// through the capture's words as they are read.
//
// The text is not checked as JSON again: the daemon's decoding of each
// batch of events (extension.EventBatch.Decode) rejected any that was not
// valid, with the same options. Given text that is not, the reader fails
// where it finds it broken, and may take a value the JSON package would
// have refused (of a name given twice, the last); it never reads past the
// text.

// eventReader reads events' JSON. It is the capture's, used under c.mu.
type eventReader struct {
	words *words
	b     []byte // the event's text
	i     int    // where the walk is in b
	text  []byte // a string unquoted
	pairs []string
	// lately holds strings read lately by a hash of their ends, as the
	// JSON package's decoder does: an id or a URL comes again in the next
	// events of its request, and its records share one copy.
	lately [256]string
}

// readable is an event type that an eventReader reads.
type readable interface {
	read(r *eventReader) error
}

// decode reads one event, the whole of b, into v.
func (r *eventReader) decode(b []byte, v readable) error {
	r.b, r.i = b, 0
	err := v.read(r)
	if err == nil && r.space() != 0 {
		err = errors.New("more than one JSON value")
	}
	r.b = nil
	return err
}

// errBroken is for text that is not valid JSON, where the walk finds it
// broken.
var errBroken = errors.New("broken JSON")

// space skips whitespace, and returns the byte that follows (0 at the end).
func (r *eventReader) space() byte {
	for r.i < len(r.b) {
		switch c := r.b[r.i]; c {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return c
		}
	}
	return 0
}

// kind is the JSON kind of the next value, as its first byte: '"', '0' for
// a number, 't', 'f', 'n', '{', '['.
func (r *eventReader) kind() byte {
	switch c := r.space(); c {
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return '0'
	default:
		return c
	}
}

// kindName names a kind in errors.
func kindName(k byte) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "end of text"
}

// token returns the next value whole, and moves past it.
func (r *eventReader) token() ([]byte, error) {
	start := r.i
	if err := r.skip(); err != nil {
		return nil, err
	}
	return r.b[start:r.i], nil
}

// skip moves past the next value.
func (r *eventReader) skip() error {
	switch r.kind() {
	case '"':
		_, _, err := r.quoted()
		return err
	case '0':
		for r.i < len(r.b) {
			switch r.b[r.i] {
			case '-', '+', '.', 'e', 'E', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
				r.i++
				continue
			}
			break
		}
		return nil
	case 't', 'n':
		r.i += 4
	case 'f':
		r.i += 5
	case '{', '[':
		return r.skipComposite()
	default:
		return errBroken
	}
	if r.i > len(r.b) {
		return errBroken
	}
	return nil
}

// skipComposite moves past an object or an array.
func (r *eventReader) skipComposite() error {
	depth := 0
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case '"':
			if _, _, err := r.quoted(); err != nil {
				return err
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				r.i++
				return nil
			}
		}
		r.i++
	}
	return errBroken
}

// inString marks the bytes a string's plain run stops at: its end, an
// escape, a byte of a non-ASCII character.
var inString = func() (t [256]bool) {
	t['"'], t['\\'] = true, true
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// quoted moves past the string at r.i and returns it, quotes included,
// and whether its content is the text between its quotes as is: no
// escapes, valid UTF-8.
func (r *eventReader) quoted() ([]byte, bool, error) {
	b, start := r.b, r.i
	escaped, ascii := false, true
	for j := start + 1; j < len(b); {
		c := b[j]
		if !inString[c] {
			j++
			continue
		}
		switch {
		case c == '"':
			r.i = j + 1
			plain := !escaped && (ascii || utf8.Valid(b[start+1:j]))
			return b[start:r.i], plain, nil
		case c == '\\':
			escaped = true
			j += 2
		default:
			ascii = false
			j++
		}
	}
	return nil, false, errBroken
}

// content is what the JSON string at r.i holds, as the JSON package
// decodes it: invalid UTF-8 made U+FFFD. It is valid until the next read.
func (r *eventReader) content() ([]byte, error) {
	q, plain, err := r.quoted()
	if err != nil {
		return nil, err
	}
	if plain {
		return q[1 : len(q)-1], nil
	}
	// The error says there was invalid UTF-8; the JSON package ignores it
	// too.
	r.text, _ = jsontext.AppendUnquote(r.text[:0], q)
	return r.text, nil
}

// members reads an object member by member, or null, which stands for no
// object: member reads the value of the member of each name (valid only
// until it reads).
func (r *eventReader) members(member func(name []byte) error) error {
	switch r.kind() {
	case 'n':
		return r.skip()
	case '{':
		r.i++
	default:
		return r.unexpected("an object")
	}
	if r.space() == '}' {
		r.i++
		return nil
	}
	for {
		if r.space() != '"' {
			return errBroken
		}
		name, err := r.content()
		if err != nil {
			return err
		}
		if r.space() != ':' {
			return errBroken
		}
		r.i++
		if err := member(name); err != nil {
			return err
		}
		switch r.space() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return errBroken
		}
	}
}

// readObject reads an object of a readable type, or null for nil.
func readObject[T any, P interface {
	*T
	readable
}](r *eventReader, p **T) error {
	if r.kind() == 'n' {
		*p = nil
		return r.skip()
	}
	*p = new(T)
	return P(*p).read(r)
}

// unexpected moves past the next value and says that it is not what was
// wanted.
func (r *eventReader) unexpected(want string) error {
	k := r.kind()
	if err := r.skip(); err != nil {
		return err
	}
	return fmt.Errorf("a JSON %s where %s belongs", kindName(k), want)
}

// stringValue reads a string, or null for "".
func (r *eventReader) stringValue() ([]byte, error) {
	switch r.kind() {
	case '"':
		return r.content()
	case 'n':
		return nil, r.skip()
	}
	return nil, r.unexpected("a string")
}

// str reads a string that is seldom the same but in the events of one
// request (an id, a URL).
func (r *eventReader) str(s *string) error {
	b, err := r.stringValue()
	*s = r.again(b)
	return err
}

// again returns the string b holds, the one read lately if it was.
func (r *eventReader) again(b []byte) string {
	if len(b) < 2 || len(b) > 256 {
		return string(b)
	}
	h := uint64(len(b))
	if len(b) >= 8 {
		h ^= binary.LittleEndian.Uint64(b) * 0x9e3779b97f4a7c15
		h ^= binary.LittleEndian.Uint64(b[len(b)-8:]) * 0xc2b2ae3d27d4eb4f
	} else {
		for _, c := range b {
			h = (h ^ uint64(c)) * 0x9e3779b97f4a7c15
		}
	}
	slot := &r.lately[h>>56]
	if *slot == string(b) {
		return *slot
	}
	*slot = string(b)
	return *slot
}

// word reads a string that is often the same (a method, a MIME type): it
// is shared through the capture's words.
func (r *eventReader) word(s *string) error {
	b, err := r.stringValue()
	*s = ""
	if len(b) > 0 {
		*s = r.words.of(b)
	}
	return err
}

// number reads a number, or null for none, and returns its text.
func (r *eventReader) number() ([]byte, error) {
	switch r.kind() {
	case '0':
		return r.token()
	case 'n':
		return nil, r.skip()
	}
	return nil, r.unexpected("a number")
}

// float reads a float64 as the JSON package does: a number out of range is
// an error.
func (r *eventReader) float(f *float64) error {
	v, err := r.number()
	*f = 0
	if err != nil || v == nil {
		return err
	}
	if n, ok := simpleFloat(v); ok {
		*f = n
		return nil
	}
	n, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(v), len(v)), 64)
	if err != nil {
		return numberError(v, "a float64", err)
	}
	*f = n
	return nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// simpleFloat parses a number of at most 15 digits and no exponent, as
// most of the protocol's are (times, lengths): its digits and the power of
// ten that divides them are exact, so one division rounds as strconv
// does (it takes the same path for such numbers). It reports false for
// another number.
func simpleFloat(v []byte) (float64, bool) {
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	var mant uint64
	digits, frac := 0, -1
	for i, c := range v {
		switch {
		case '0' <= c && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
		case c == '.' && frac < 0:
			frac = len(v) - i - 1
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(mant)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, true
}

// integer reads an int64 as the JSON package does: a fraction, an exponent
// or a number out of range is an error.
func (r *eventReader) integer(n *int64) error {
	v, err := r.number()
	*n = 0
	if err != nil || v == nil {
		return err
	}
	i, err := strconv.ParseInt(unsafe.String(unsafe.SliceData(v), len(v)), 10, 64)
	if err != nil {
		return numberError(v, "an int64", err)
	}
	*n = i
	return nil
}

// numberError says that the number v is not of type want. The error of
// strconv is not returned as is: it holds v, which is the event's text.
func numberError(v []byte, want string, err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		err = ne.Err
	}
	return fmt.Errorf("the number %s is not %s: %w", v, want, err)
}

// boolean reads a bool, or null for false.
func (r *eventReader) boolean(b *bool) error {
	*b = false
	switch r.kind() {
	case 't':
		*b = true
		return r.skip()
	case 'f', 'n':
		return r.skip()
	}
	return r.unexpected("a boolean")
}

// other leaves the next value to the JSON package.
func (r *eventReader) other(v any) error {
	t, err := r.token()
	if err != nil {
		return err
	}
	return jsonv2.Unmarshal(t, v, eventJSON)
}

// list is other for a list, which is most often empty.
func list[T any](r *eventReader, s *[]T) error {
	if r.kind() == '[' {
		start := r.i
		r.i++
		if r.space() == ']' {
			r.i++
			*s = []T{}
			return nil
		}
		r.i = start
	}
	return r.other(s)
}

// headers reads headers into strings, repeated headers joined by "\n" as
// the browser sends them, names and short values shared through the
// capture's words. Secrets stay: they are hidden when records leave the
// engine (see view). A value of another kind than a string is turned into
// one as the engine turned the protocol's map[string]any. Null is no
// headers: nil.
func (r *eventReader) headers(h *map[string]string) error {
	*h = nil
	if k := r.kind(); k != '{' {
		if k == 'n' {
			return r.skip()
		}
		return r.unexpected("an object")
	}
	pairs := r.pairs[:0]
	defer func() {
		clear(pairs)
		r.pairs = pairs[:0]
	}()
	err := r.members(func(name []byte) error {
		k := r.words.of(name)
		if r.kind() == '"' {
			v, err := r.content()
			pairs = append(pairs, k, r.words.of(v))
			return err
		}
		var v any
		if err := r.other(&v); err != nil {
			return err
		}
		pairs = append(pairs, k, r.words.get(headerString(v)))
		return nil
	})
	if err != nil {
		return err
	}
	out := make(map[string]string, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out[pairs[i]] = pairs[i+1]
	}
	*h = out
	return nil
}
