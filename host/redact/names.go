package redact

import "bytes"

// Redacted replaces a secret value.
const Redacted = "[redacted]"

// strength says how sure a name is to hold a secret.
type strength int

const (
	notSecret strength = iota
	// weak names (key, code, sig, …) often hold a secret but also hold
	// ordinary values: their values are hidden where they appear, and
	// learned only when they look like a token.
	weak
	// strong names (token, password, secret, session, …) hold secrets: their
	// values are hidden and learned.
	strong
)

// maxName bounds the names that are classified: longer ones are not.
const maxName = 128

// strongParts make a name secret wherever they appear in it, once the name
// is lower-cased with everything but letters and digits removed
// (X-Api-Key → xapikey).
var strongParts = []string{
	"token", "secret", "password", "passwd", "passphrase", "apikey", "accesskey", "privatekey", "licensekey",
	"subscriptionkey", "signingkey", "encryptionkey", "credential", "csrf", "xsrf", "session", "sessid", "cookie",
	"bearer", "jwt", "saml", "hmac",
}

// weakParts make a name weakly secret wherever they appear in it.
var weakParts = []string{"signature"}

// exactNames are classified as whole names, before any part is looked
// for: secret words too short to look for inside names, and names that
// contain a secret part but name something public (the challenge of a 401,
// HTTP/2's :authority, a WebSocket's handshake nonce, CORS lists).
var exactNames = map[string]strength{
	"pass": strong, "pwd": strong, "otp": strong, "totp": strong, "mfa": strong,
	"code": weak, "sig": weak, "sign": weak, "key": weak, "pin": weak, "sid": weak, "ticket": weak,
	"wwwauthenticate": notSecret, "proxyauthenticate": notSecret, "secwebsocketkey": notSecret, "secwebsocketaccept": notSecret,
	"accesscontrolallowheaders": notSecret, "accesscontrolexposeheaders": notSecret, "accesscontrolrequestheaders": notSecret,
	"accesscontrolallowcredentials": notSecret,
}

// part is a piece of a secret name, found by its first byte.
type part struct {
	text string
	s    strength
}

// partsByFirst lists the parts by their first byte, so that a name is
// read once whatever the number of parts.
var partsByFirst [256][]part

func init() {
	for _, p := range strongParts {
		partsByFirst[p[0]] = append(partsByFirst[p[0]], part{p, strong})
	}
	for _, p := range weakParts {
		partsByFirst[p[0]] = append(partsByFirst[p[0]], part{p, weak})
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
	if s, ok := exactNames[string(n)]; ok {
		return s
	}
	found := notSecret
	for i := 0; i+3 <= len(n); i++ {
		rest := n[i:]
		if rest[0] == 'a' && bytes.HasPrefix(rest, []byte("auth")) {
			// auth, oauth, x-auth-token, authorization — not author(s),
			// authority.
			if !bytes.HasPrefix(rest, []byte("author")) || bytes.HasPrefix(rest, []byte("authoriz")) {
				return strong
			}
		}
		for _, p := range partsByFirst[rest[0]] {
			if len(rest) >= len(p.text) && string(rest[:len(p.text)]) == p.text {
				if p.s == strong {
					return strong
				}
				found = p.s
			}
		}
	}
	return found
}

// IsSecretName reports whether a parameter, form field or JSON key of this
// name has its value hidden.
func IsSecretName(name string) bool { return classify(name) != notSecret }

// IsSecretHeader reports whether a header's whole value is hidden (Cookie
// and Set-Cookie keep their cookie names; Authorization keeps its scheme).
func IsSecretHeader(name string) bool {
	if isCookieHeader(name) {
		return true
	}
	return headerStrength(name) != notSecret
}

// headerStrength classifies a header name. Whole-name rules meant for
// parameters (code, pin, …) do not apply to headers, except key.
func headerStrength(name string) strength {
	s := classify(name)
	if s == weak {
		var buf [maxName]byte
		n := compact(&buf, name)
		if exactNames[string(n)] == weak && string(n) != "key" {
			return notSecret
		}
		// Header names ending in key name keys (Ocp-Apim-Subscription-Key,
		// X-Functions-Key) and so are secret.
	}
	if s == notSecret {
		var buf [maxName]byte
		n := compact(&buf, name)
		if _, exact := exactNames[string(n)]; bytes.HasSuffix(n, []byte("key")) && !exact && len(name) > 3 && (name[len(name)-4] == '-' || name[len(name)-4] == '_') {
			return strong
		}
	}
	return s
}

func isCookieHeader(name string) bool {
	return len(name) <= 10 && (equalFold(name, "cookie") || equalFold(name, "set-cookie"))
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
