package redact

import (
	"bytes"
	"strings"
)

// Redacted replaces a secret value.
const Redacted = "[redacted]"

// strength says how sure a name is to hold a secret, and so what value
// under it is hidden.
type strength int

const (
	notSecret strength = iota
	// weak names (key, code, sig, sid, …) often hold a secret but also
	// hold ordinary values: a value under them is hidden when it looks like
	// a token, and learned only when it is shaped like one.
	weak
	// strong names (token, session, auth, csrf, apikey, …) hold secrets: a
	// value under them is hidden unless it is a word, a keyword, a number
	// or a boolean ({"auth":"ok"}, "token_type":"Bearer" stay).
	strong
	// password names (password, passwd, pwd, otp, pin, …) hide whatever
	// value they hold: passwords are often words.
	password
)

// maxName bounds the names that are classified: longer ones are not.
const maxName = 128

// parts make a name secret wherever they appear in it, once the name is
// lower-cased with everything but letters and digits removed
// (X-Api-Key → xapikey), unless what follows them names a property of
// the secret rather than the secret (token_type, sessionTimeout, authUrl).
var parts = []part{
	{"password", password}, {"passwd", password}, {"passphrase", password},
	{"token", strong}, {"secret", strong}, {"apikey", strong}, {"accesskey", strong}, {"privatekey", strong},
	{"licensekey", strong}, {"subscriptionkey", strong}, {"signingkey", strong}, {"encryptionkey", strong},
	{"credential", strong}, {"csrf", strong}, {"xsrf", strong}, {"session", strong}, {"sessid", strong},
	{"cookie", strong}, {"bearer", strong}, {"jwt", strong}, {"saml", strong}, {"hmac", strong},
	// auth, oauth, x-auth-token, authorization, authentication — not
	// author(s) or authority (see classify).
	{"authorization", strong}, {"authentication", strong}, {"authenticated", strong}, {"auth", strong},
	{"signature", weak},
}

// properties, following a secret part, make the name one of a property
// of the secret: its type, lifetime, address, length, state.
var properties = map[string]bool{
	"type": true, "types": true, "kind": true, "typehint": true, "hint": true, "format": true, "version": true,
	"expires": true, "expiresin": true, "expiresat": true, "expiry": true, "expiration": true, "exp": true,
	"ttl": true, "lifetime": true, "timeout": true, "maxage": true, "age": true, "duration": true,
	"url": true, "uri": true, "endpoint": true, "path": true, "domain": true, "host": true, "origin": true,
	"name": true, "names": true, "label": true, "placeholder": true, "prefix": true, "header": true,
	"headername": true, "field": true, "fieldname": true, "param": true, "paramname": true,
	"length": true, "minlength": true, "maxlength": true, "size": true, "count": true, "strength": true,
	"method": true, "methods": true, "mode": true, "scheme": true, "provider": true, "policy": true,
	"options": true, "config": true, "status": true, "state": true, "enabled": true, "required": true,
	"samesite": true, "secure": true, "httponly": true, "consent": true, "valid": true, "invalid": true,
	"error": true, "errors": true, "message": true, "visible": true, "hidden": true, "reset": true,
	"changed": true, "set": true, "storage": true, "store": true,
}

// exactName classifies whole names, before any part is looked for:
// secret words too short to look for inside names, and names that
// contain a secret part but name something public (the challenge of a 401,
// HTTP/2's :authority, a WebSocket's handshake nonce, CORS lists). n is a
// compacted name. A switch, not a map: it runs for every key of every
// body.
func exactName(n []byte) (strength, bool) {
	switch string(n) {
	case "pass", "pwd", "otp", "totp", "mfa", "pin":
		return password, true
	case "code", "sig", "sign", "key", "sid", "ticket":
		return weak, true
	case "wwwauthenticate", "proxyauthenticate", "secwebsocketkey", "secwebsocketaccept",
		"accesscontrolallowheaders", "accesscontrolexposeheaders", "accesscontrolrequestheaders",
		"accesscontrolallowcredentials":
		return notSecret, true
	}
	return notSecret, false
}

// part is a piece of a secret name, found by its first byte.
type part struct {
	text string
	s    strength
}

// partsByFirst lists the parts by their first byte, longest first, so
// that a name is read once whatever the number of parts.
var partsByFirst [256][]part

func init() {
	for _, p := range parts {
		partsByFirst[p.text[0]] = append(partsByFirst[p.text[0]], p)
	}
	for _, ps := range partsByFirst {
		for i := 1; i < len(ps); i++ {
			for j := i; j > 0 && len(ps[j].text) > len(ps[j-1].text); j-- {
				ps[j], ps[j-1] = ps[j-1], ps[j]
			}
		}
	}
}

// compact lower-cases name into buf, keeping letters and digits only.
func compact(buf *[maxName]byte, name string) []byte {
	n := 0
	for i := 0; i < len(name) && n < maxName; i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			buf[n] = c
			n++
		case 'A' <= c && c <= 'Z':
			buf[n] = c + 'a' - 'A'
			n++
		}
	}
	return buf[:n]
}

// classify says whether a field, parameter or header name holds a secret.
func classify(name string) strength {
	if name == "" || len(name) > maxName {
		return notSecret
	}
	var buf [maxName]byte
	n := compact(&buf, name)
	if len(n) < 3 {
		return notSecret
	}
	if s, ok := exactName(n); ok {
		return s
	}
	found := notSecret
	for i := 0; i+3 <= len(n); i++ {
		rest := n[i:]
		for _, p := range partsByFirst[rest[0]] {
			if !bytes.HasPrefix(rest, []byte(p.text)) {
				continue
			}
			if p.text == "auth" && bytes.HasPrefix(rest, []byte("author")) {
				continue // author, authors, authority
			}
			if !properties[string(rest[len(p.text):])] && p.s > found {
				found = p.s
			}
			break // the longest part here
		}
	}
	return found
}

// IsSecretName reports whether a parameter, form field or JSON key of this
// name may have its value hidden.
func IsSecretName(name string) bool { return classify(name) != notSecret }

// IsSecretHeader reports whether a header's value is hidden by its name
// (Cookie and Set-Cookie keep their cookie names; Authorization keeps its
// scheme).
func IsSecretHeader(name string) bool {
	if isCookieHeader(name) {
		return true
	}
	return headerStrength(name) != notSecret
}

// headerStrength classifies a header name. Whole-name rules meant for
// parameters (code, pin, …) do not apply to headers, except key.
func headerStrength(name string) strength {
	if ordinaryHeader(name) {
		return notSecret
	}
	s := classify(name)
	if s == weak || s == password {
		var buf [maxName]byte
		n := compact(&buf, name)
		if _, exact := exactName(n); exact && string(n) != "key" {
			return notSecret
		}
		// Header names ending in key name keys (Ocp-Apim-Subscription-Key,
		// X-Functions-Key) and so are secret.
	}
	if s == notSecret {
		var buf [maxName]byte
		n := compact(&buf, name)
		if _, exact := exactName(n); bytes.HasSuffix(n, []byte("key")) && !exact && len(name) > 3 && (name[len(name)-4] == '-' || name[len(name)-4] == '_') {
			return strong
		}
	}
	return s
}

// ordinaryNames are headers that never hold a credential: their values
// are never changed, not even for a value learned elsewhere.
var ordinaryNames = map[string]bool{
	"user-agent": true, "cache-control": true, "pragma": true, "expires": true, "date": true, "age": true,
	"last-modified": true, "etag": true, "vary": true, "connection": true, "keep-alive": true,
	"transfer-encoding": true, "host": true, ":authority": true, ":method": true, ":scheme": true, ":status": true,
	"upgrade": true, "upgrade-insecure-requests": true, "dnt": true, "priority": true, "server": true,
	"x-content-type-options": true, "x-frame-options": true, "x-xss-protection": true,
	"strict-transport-security": true, "referrer-policy": true, "permissions-policy": true,
	"sec-websocket-version": true, "sec-websocket-extensions": true, "sec-websocket-key": true,
	"sec-websocket-accept": true, "sec-purpose": true, "purpose": true, "te": true, "trailer": true,
	"alt-svc": true, "timing-allow-origin": true, "nel": true, "report-to": true, "reporting-endpoints": true,
	"server-timing": true, "via": true, "x-powered-by": true, "origin": true, "if-none-match": true,
	"if-modified-since": true, "if-match": true, "if-unmodified-since": true, "if-range": true, "range": true,
	"x-requested-with": true, "x-dns-prefetch-control": true, "origin-agent-cluster": true,
	"document-policy": true, "www-authenticate": true, "proxy-authenticate": true,
}

// ordinaryPrefixes start the names of families of ordinary headers.
// Content-Location, which may hold a URL with a token, is not one.
var ordinaryPrefixes = []string{"accept", "sec-fetch-", "sec-ch-", "access-control-", "cross-origin-", "content-"}

// ordinaryHeader reports whether a header never holds a credential
// (Sec-Fetch-*, Accept*, Content-Type, User-Agent, Cache-Control, …).
func ordinaryHeader(name string) bool {
	if len(name) > 64 {
		return false
	}
	var buf [64]byte
	lower := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	if ordinaryNames[string(lower)] {
		return true
	}
	for _, p := range ordinaryPrefixes {
		if bytes.HasPrefix(lower, []byte(p)) {
			return string(lower) != "content-location"
		}
	}
	return false
}

func isCookieHeader(name string) bool {
	return len(name) <= 10 && (equalFold(name, "cookie") || equalFold(name, "set-cookie"))
}

func isAuthorization(name string) bool {
	return equalFold(name, "authorization") || equalFold(name, "proxy-authorization")
}

// equalFold is strings.EqualFold for ASCII.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases the ASCII letters of s.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
