package redact

import "strings"

// Known token formats are secrets by what they are, wherever they are,
// scripts and styles included: a JSON Web Token, a provider's key, a
// private key block. Each is found as a whole token, with the length and
// alphabet its issuer gives it, and random enough (entropyBits) that a
// name that merely starts alike (sk-fading-circle) is not one.

// tokenFormat is one provider's key: a prefix, then a run of bytes of an
// alphabet.
type tokenFormat struct {
	prefix   string
	alphabet *byteSet
	min, max int // length of the run after the prefix
}

var (
	alnum       = newByteSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	upperDigits = newByteSet("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	base64URL   = newByteSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
	alnumUnder  = newByteSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
	alnumDash   = newByteSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
)

// tokenFormats are the providers' keys, from their documentation.
var tokenFormats = []tokenFormat{
	{"AKIA", &upperDigits, 16, 16}, {"ASIA", &upperDigits, 16, 16}, // AWS access key ids
	{"AIza", &base64URL, 35, 35}, // Google API keys
	{"ghp_", &alnum, 36, 255}, {"gho_", &alnum, 36, 255}, {"ghu_", &alnum, 36, 255}, {"ghs_", &alnum, 36, 255}, {"ghr_", &alnum, 36, 255},
	{"github_pat_", &alnumUnder, 22, 255},
	{"glpat-", &base64URL, 20, 64}, // GitLab
	{"xoxb-", &alnumDash, 10, 255}, {"xoxp-", &alnumDash, 10, 255}, {"xoxa-", &alnumDash, 10, 255}, {"xoxr-", &alnumDash, 10, 255},
	{"xoxs-", &alnumDash, 10, 255}, {"xoxe-", &alnumDash, 10, 255}, // Slack
	{"sk_live_", &alnum, 16, 255}, {"rk_live_", &alnum, 16, 255}, {"sk_test_", &alnum, 16, 255}, {"rk_test_", &alnum, 16, 255}, // Stripe
	{"sk-ant-", &base64URL, 32, 255}, {"sk-proj-", &base64URL, 32, 255}, {"sk-", &alnum, 40, 255}, // Anthropic, OpenAI
	{"npm_", &alnum, 36, 36},
	{"hf_", &alnum, 30, 40},     // Hugging Face
	{"SG.", &base64URL, 22, 22}, // SendGrid: SG.<22>.<43>, the rest read below
}

// minFormatBits is the least entropy of a token found by its format.
const minFormatBits = 48

// formatStarts are the two bytes every format starts with, for a one-load
// test at each position.
var formatStarts [1 << 16 / 64]uint64

func init() {
	for _, f := range tokenFormats {
		setStart(f.prefix)
	}
	setStart("eyJ")
	setStart("-----BEGIN ")
}

func setStart(prefix string) {
	k := uint16(prefix[0]) | uint16(prefix[1])<<8
	formatStarts[k/64] |= 1 << (k % 64)
}

// formatSpans appends the tokens of known formats in text.
func formatSpans(text string, out []span) []span {
	for i := 0; i+1 < len(text); i++ {
		k := uint16(text[i]) | uint16(text[i+1])<<8
		if formatStarts[k/64]&(1<<(k%64)) == 0 || continuesBefore(text, i) && text[i] != '-' {
			continue
		}
		if n := formatAt(text, i); n > 0 {
			out = append(out, span{start: i, end: i + n, s: strong, kind: spanValue})
			i += n - 1
		}
	}
	return out
}

// formatAt returns the length of the token of a known format at i, or 0.
func formatAt(text string, i int) int {
	rest := text[i:]
	switch {
	case strings.HasPrefix(rest, "eyJ"):
		return jwtAt(rest)
	case strings.HasPrefix(rest, "-----BEGIN "):
		return privateKeyAt(rest)
	}
	for _, f := range tokenFormats {
		if !strings.HasPrefix(rest, f.prefix) {
			continue
		}
		n := run(rest, len(f.prefix), f.alphabet)
		if n < f.min || n > f.max {
			continue
		}
		end := len(f.prefix) + n
		if f.prefix == "SG." {
			if end >= len(rest) || rest[end] != '.' {
				continue
			}
			m := run(rest, end+1, &base64URL)
			if m != 43 {
				continue
			}
			end += 1 + m
		}
		if continuesAfter(rest, end) || end < len(rest) && rest[end] == '-' || entropyBits(rest[len(f.prefix):end]) < minFormatBits {
			continue
		}
		return end
	}
	return 0
}

// run counts the bytes of alphabet in s from i.
func run(s string, i int, alphabet *byteSet) int {
	n := 0
	for i+n < len(s) && alphabet[s[i+n]] {
		n++
	}
	return n
}

// jwtAt returns the length of the JSON Web Token at the start of s: a
// header and a payload that are base64url JSON objects ("eyJ…"), and a
// signature, joined by dots.
func jwtAt(s string) int {
	h := run(s, 0, &base64URL)
	if h < 10 || h >= len(s) || s[h] != '.' {
		return 0
	}
	if !strings.HasPrefix(s[h+1:], "eyJ") {
		return 0
	}
	p := run(s, h+1, &base64URL)
	end := h + 1 + p
	if p < 10 || end >= len(s) || s[end] != '.' {
		return 0
	}
	sig := run(s, end+1, &base64URL)
	end += 1 + sig
	if continuesAfter(s, end) {
		return 0
	}
	return end
}

// privateKeyAt returns the length of the PEM private key block at the
// start of s, from its BEGIN line to the end of its END line.
func privateKeyAt(s string) int {
	line := s
	if nl := strings.IndexAny(line, "\r\n\\"); nl >= 0 {
		line = line[:nl]
	}
	if !strings.HasSuffix(line, "PRIVATE KEY-----") {
		return 0
	}
	end := strings.Index(s, "-----END ")
	if end < 0 || end > 64<<10 {
		return 0
	}
	tail := strings.Index(s[end+9:], "-----")
	if tail < 0 || tail > 64 {
		return 0
	}
	return end + 9 + tail + 5
}
