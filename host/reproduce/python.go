package reproduce

import (
	"sort"
	"strings"
)

// python writes the request as a Python 3 script of the standard library.
func python(r *request) string {
	var b strings.Builder
	b.WriteString("# Python 3, standard library only: save as request.py and run `python3 request.py`.\n")
	if len(r.secrets) > 0 {
		writeSecretsComment(&b, "#", r.secrets)
	}
	imports := []string{"sys", "urllib.error", "urllib.request"}
	if r.body != nil && r.body.binary && r.body.file == "" {
		imports = append(imports, "base64")
	}
	if len(r.secrets) > 0 {
		imports = append(imports, "os")
	}
	if r.compressed {
		imports = append(imports, "zlib")
	}
	sort.Strings(imports)
	b.WriteString("import " + strings.Join(imports, ", ") + "\n\n")
	if len(r.secrets) > 0 {
		b.WriteString("\ndef env(name):\n" +
			"    value = os.environ.get(name)\n" +
			"    if not value:\n" +
			"        sys.exit(\"set \" + name + \": a value tabtap hid\")\n" +
			"    return value\n\n")
	}
	b.WriteString("\nclass KeepRedirects(urllib.request.HTTPRedirectHandler):\n" +
		"    # A capture records each hop of a redirect: so does this script.\n" +
		"    def redirect_request(self, req, fp, code, msg, headers, newurl):\n" +
		"        return None\n\n\n")
	b.WriteString("request = urllib.request.Request(\n")
	b.WriteString("    " + pyText(r.url) + ",\n")
	b.WriteString("    method=" + pyString(r.method) + ",\n")
	b.WriteString("    headers={\n")
	for _, h := range pyHeaders(r) {
		b.WriteString("        " + pyString(h.name) + ": " + pyText(h.value) + ",\n")
	}
	b.WriteString("    },\n")
	switch {
	case r.body == nil && sendsEmptyBody(r.method):
		b.WriteString("    data=b\"\",\n")
	case r.body == nil:
	case r.body.file != "":
		b.WriteString("    data=open(" + pyString(r.body.file) + ", \"rb\").read(),\n")
	case r.body.binary:
		b.WriteString("    data=" + pyBytes(r.body.data) + ",\n")
	default:
		b.WriteString("    data=" + pyEncoded(r.body.data) + ",\n")
	}
	b.WriteString(")\n")
	b.WriteString("try:\n" +
		"    response = urllib.request.build_opener(KeepRedirects).open(request, timeout=60)\n" +
		"except urllib.error.HTTPError as error:\n" +
		"    response = error\n" +
		"body = response.read()\n")
	if r.compressed {
		b.WriteString("if response.headers.get(\"Content-Encoding\", \"\") in (\"gzip\", \"deflate\"):\n" +
			"    body = zlib.decompress(body, zlib.MAX_WBITS | 32)\n")
	}
	b.WriteString("print(response.status, response.reason, file=sys.stderr)\n")
	b.WriteString("sys.stdout.buffer.write(body)\n")
	return b.String()
}

// pyHeaders are the request's headers as a dict holds them: one value a
// name (repeated ones joined as HTTP joins them), and Accept-Encoding for
// what this script decodes when the browser got a compressed body.
func pyHeaders(r *request) []header {
	var out []header
	at := map[string]int{}
	for _, h := range r.headers {
		k := strings.ToLower(h.name)
		if i, ok := at[k]; ok {
			sep := ", "
			if k == "cookie" {
				sep = "; "
			}
			out[i].value = append(append(append(text(nil), out[i].value...), part{lit: sep}), h.value...)
			continue
		}
		at[k] = len(out)
		out = append(out, h)
	}
	if r.compressed {
		out = append(out, header{name: "Accept-Encoding", value: plain("gzip, deflate")})
	}
	return out
}

// pyText writes t as a Python string expression.
func pyText(t text) string {
	return expr(t, pyString, func(name string) string { return `env("` + name + `")` }, `""`)
}

// pyEncoded writes a text body as bytes.
func pyEncoded(t text) string {
	s := pyText(t)
	if len(t) > 1 {
		s = "(" + s + ")"
	}
	return s + ".encode()"
}

// pyBytes writes binary content as a bytes expression.
func pyBytes(t text) string {
	return expr(t, func(lit string) string { return `base64.b64decode("` + base64Text(lit) + `")` },
		func(name string) string { return `env("` + name + `").encode()` }, `b""`)
}
