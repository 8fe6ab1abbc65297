package reproduce

import (
	"strings"
)

// fetchJS writes the request as a script for Node 18 or later, which has
// fetch built in. It runs as a CommonJS or an ES module file, with
// `node -e` and in the REPL.
func fetchJS(r *request) string {
	var b strings.Builder
	b.WriteString("// Node 18 or later: save as request.js and run `node request.js`.\n")
	if len(r.secrets) > 0 {
		writeSecretsComment(&b, "//", r.secrets)
		b.WriteString("const env = (name) => {\n" +
			"  const value = process.env[name];\n" +
			"  if (!value) throw new Error(`set ${name}: a value tabtap hid`);\n" +
			"  return value;\n" +
			"};\n")
	}
	b.WriteString("(async () => {\n")
	b.WriteString("  const response = await fetch(" + jsText(r.url) + ", {\n")
	b.WriteString("    method: " + jsString(r.method) + ",\n")
	if len(r.headers) > 0 {
		b.WriteString("    headers: [\n")
		for _, h := range r.headers {
			b.WriteString("      [" + jsString(h.name) + ", " + jsText(h.value) + "],\n")
		}
		b.WriteString("    ],\n")
	}
	switch {
	case r.body == nil && sendsEmptyBody(r.method):
		b.WriteString("    body: \"\",\n")
	case r.body == nil:
	case r.body.file != "":
		b.WriteString("    body: (await import(\"node:fs\")).readFileSync(" + jsString(r.body.file) + "),\n")
	case r.body.binary:
		b.WriteString("    body: " + jsBytes(r.body.data) + ",\n")
	default:
		b.WriteString("    body: " + jsText(r.body.data) + ",\n")
	}
	// A capture records each hop of a redirect: so does the code.
	b.WriteString("    redirect: \"manual\",\n")
	b.WriteString("  });\n")
	b.WriteString("  console.error(response.status, response.statusText);\n")
	b.WriteString("  process.stdout.write(new Uint8Array(await response.arrayBuffer()));\n")
	b.WriteString("})().catch((error) => {\n")
	b.WriteString("  console.error(error);\n")
	b.WriteString("  process.exitCode = 1;\n")
	b.WriteString("});\n")
	return b.String()
}

// jsText writes t as a JavaScript string expression.
func jsText(t text) string {
	return expr(t, jsString, func(name string) string { return `env("` + name + `")` }, `""`)
}

// jsBytes writes binary content as a Buffer expression.
func jsBytes(t text) string {
	ps := parts(t, func(lit string) string { return `Buffer.from("` + base64Text(lit) + `", "base64")` },
		func(name string) string { return `Buffer.from(env("` + name + `"))` })
	switch len(ps) {
	case 0:
		return `Buffer.alloc(0)`
	case 1:
		return ps[0]
	}
	return "Buffer.concat([" + strings.Join(ps, ", ") + "])"
}
