package reproduce

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tabtap/tabtap/host/api"
)

// The languages Write knows, as get_request's `as` names them.
const (
	Curl   = "curl"
	Fetch  = "fetch"
	Python = "python"
)

// Languages lists them, in the order documentation shows them.
var Languages = api.CodeLanguages

// Secret is one value redaction hid, which the code reads from the
// environment.
type Secret = api.Secret

// Code is a request written as a program.
type Code struct {
	// Language is curl, fetch or python.
	Language string `json:"language"`
	// Code runs as it is once every variable of Secrets is set.
	Code string `json:"code"`
	// Secrets are the values redaction hid, in the order the code reads
	// them; empty when nothing was hidden.
	Secrets []Secret `json:"secrets"`
	// Notes say where the code cannot send what the browser sent.
	Notes []string `json:"notes,omitempty"`
}

// Options adjust what Write produces.
type Options struct {
	// BodyFile, when set, is a file that holds the request's body (as
	// get_request's saveBody writes it): the code reads the body from
	// there instead of carrying it. Its secrets are not replaced: the
	// file holds the body as the capture shows it.
	BodyFile string
}

// Write writes a request as code in lang. The request is a record as it
// leaves the capture engine; the response, when known, tells whether the
// browser got a compressed body.
func Write(lang string, req *api.Request, resp *api.Response, opts Options) (Code, error) {
	var render func(*request) string
	switch lang {
	case Curl:
		render = curl
	case Fetch:
		render = fetchJS
	case Python:
		render = python
	default:
		return Code{}, fmt.Errorf("cannot write a request as %q: choose curl, fetch or python", lang)
	}
	r, err := parse(req, resp, opts)
	if err != nil {
		return Code{}, err
	}
	return Code{Language: lang, Code: render(r), Secrets: r.secrets, Notes: r.notes}, nil
}

// text is a string of which some parts are secrets, read from the
// environment.
type text []part

// part is a literal, or the secret read from the variable env.
type part struct {
	lit string
	env string
}

// plain is a text with no secret.
func plain(s string) text { return text{{lit: s}} }

// hasSecret reports whether any part of t is a secret.
func (t text) hasSecret() bool {
	for _, p := range t {
		if p.env != "" {
			return true
		}
	}
	return false
}

// literal is t's literal parts, joined.
func (t text) literal() string {
	var b strings.Builder
	for _, p := range t {
		b.WriteString(p.lit)
	}
	return b.String()
}

// parts writes each part of t in a language: a literal by lit, a secret
// by secret (given its variable). Empty literals are left out.
func parts(t text, lit, secret func(string) string) []string {
	var out []string
	for _, p := range t {
		switch {
		case p.env != "":
			out = append(out, secret(p.env))
		case p.lit != "":
			out = append(out, lit(p.lit))
		}
	}
	return out
}

// expr writes t as one expression of its parts joined by " +", or empty
// when it has none.
func expr(t text, lit, secret func(string) string, empty string) string {
	ps := parts(t, lit, secret)
	if len(ps) == 0 {
		return empty
	}
	return strings.Join(ps, " + ")
}

// header is one header line to send.
type header struct {
	name  string
	value text
}

// body is what the request sends.
type body struct {
	// data is the body, secrets as parts; its literals are bytes.
	data text
	// binary is true when the bytes are not UTF-8 text.
	binary bool
	// file, when set, holds the body instead.
	file string
}

// request is the call the code makes.
type request struct {
	method     string
	url        text
	headers    []header
	body       *body
	compressed bool
	secrets    []Secret
	notes      []string
}

// Headers that no code sends: each client adds its own (or, for the
// browser's own, would only pretend to be the browser).
var clientHeaders = map[string]bool{
	"host": true, "content-length": true, "connection": true, "keep-alive": true,
	"proxy-connection": true, "transfer-encoding": true, "te": true, "trailer": true,
	"upgrade": true, "expect": true, "accept-encoding": true,
}

// dropped reports whether the code leaves a header of the browser's out.
func dropped(name string) bool {
	n := strings.ToLower(name)
	return clientHeaders[n] || strings.HasPrefix(n, ":") || strings.HasPrefix(n, "sec-fetch-") || strings.HasPrefix(n, "sec-ch-")
}

// parse reads a scrubbed request into the call the code makes.
func parse(req *api.Request, resp *api.Response, opts Options) (*request, error) {
	if req == nil {
		return nil, fmt.Errorf("this request was not recorded, only its response: there is nothing to write as code")
	}
	if req.Method == "" {
		return nil, fmt.Errorf("the method of request %s is unknown (it was under way before the capture began): there is nothing to write as code", req.RequestID)
	}
	if !IsToken(req.Method) {
		return nil, fmt.Errorf("request %s has a malformed method %q", req.RequestID, req.Method)
	}
	if !strings.HasPrefix(req.URL, "http://") && !strings.HasPrefix(req.URL, "https://") {
		return nil, fmt.Errorf("request %s is not an HTTP request (%.40s): only http and https requests can be written as code", req.RequestID, req.URL)
	}
	r := &request{method: req.Method}
	n := &namer{used: map[string]int{}}
	r.url = n.url(req.URL)

	names := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := strings.ToLower(names[i]), strings.ToLower(names[j])
		return a < b || a == b && names[i] < names[j]
	})
	contentType := ""
	for _, k := range names {
		if strings.EqualFold(k, "content-type") {
			contentType = req.Headers[k]
		}
		if strings.EqualFold(k, "accept-encoding") {
			r.compressed = true
		}
		if dropped(k) {
			continue
		}
		if !IsToken(k) {
			r.notes = append(r.notes, fmt.Sprintf("the header %q is left out: its name is not one HTTP allows", k))
			continue
		}
		// Repeated headers come joined by newlines, as the browser gives them.
		for _, v := range strings.Split(req.Headers[k], "\n") {
			r.headers = append(r.headers, header{name: k, value: n.header(k, v)})
		}
	}
	if resp != nil {
		// What the browser got decides: it asked for compression anyway.
		r.compressed = compressedBody(resp)
	}
	if !req.HeadersRaw {
		r.notes = append(r.notes, "the capture holds the headers the page set, not those on the wire: cookies and headers the browser added are not in the code")
	}
	if err := r.readBody(req, contentType, opts, n); err != nil {
		return nil, err
	}
	r.secrets = n.secrets
	return r, nil
}

// readBody reads the request's body, if any.
func (r *request) readBody(req *api.Request, contentType string, opts Options, n *namer) error {
	has := req.PostData != "" || req.PostDataBase64 != ""
	if has && (r.method == "GET" || r.method == "HEAD") {
		r.notes = append(r.notes, "the request's body is left out: a "+r.method+" request cannot carry one")
		return nil
	}
	if req.PostDataTruncated {
		r.notes = append(r.notes, "the capture cut the request's body (maxBodyBytes): the code sends what it kept")
	}
	switch {
	case opts.BodyFile != "":
		r.body = &body{file: opts.BodyFile}
		if req.PostData != "" && strings.Contains(req.PostData, marker) || req.PostDataBase64 != "" && maskIn(req.PostDataBase64) {
			r.notes = append(r.notes, "the body file holds the body as the capture shows it: put the hidden values in its place before sending")
		}
	case req.PostData != "":
		r.body = &body{data: n.body(contentType, req.PostData), binary: !utf8.ValidString(req.PostData)}
	case req.PostDataBase64 != "":
		raw, err := base64.StdEncoding.DecodeString(req.PostDataBase64)
		if err != nil {
			return fmt.Errorf("request %s has a body that is not valid base64: %w", req.RequestID, err)
		}
		r.body = &body{data: n.binary(string(raw)), binary: true}
	}
	return nil
}

// compressedBody reports whether a response came compressed.
func compressedBody(resp *api.Response) bool {
	for k, v := range resp.Headers {
		if strings.EqualFold(k, "content-encoding") {
			v = strings.ToLower(strings.TrimSpace(v))
			return v != "" && v != "identity"
		}
	}
	return false
}

// IsToken reports whether s is an HTTP token: a method or a header name.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}
