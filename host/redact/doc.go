// Package redact hides credentials in captured traffic and changes
// nothing else: a secret's name stays, its value becomes [redacted], and
// each record says where it hid something (Redacted: "header:Authorization",
// "body:$.access_token"; docs/records.md fixes the format).
//
// A value is hidden because it is a secret, not because of a word near it:
//
//   - By name and place: the credentials of Authorization; cookie values;
//     headers named like secrets (X-Api-Key, X-CSRF-Token); secret URL
//     parameters; secret fields of forms, JSON (by path), multipart parts,
//     key: "value" text and HTML inputs. Under a password name any value is
//     hidden; under the others only one that could be a secret — not a word,
//     a keyword (same-origin, Bearer, ok, invalid), a boolean or a short
//     number (value.go). Names of a property of a secret (token_type,
//     expires_in, tokenUrl) are not secret names (names.go).
//   - By what it is: known token formats (JWTs, providers' keys, private
//     key blocks; formats.go), everywhere.
//   - As learned: a Set learns values where credentials live (credential
//     and cookie headers, Set-Cookie, secret URL parameters, secret fields of
//     request bodies and API responses; never scripts, styles or HTML), when
//     they look like secrets (long and random enough), and its Scrubber hides
//     them wherever else they show up, as whole tokens only (match.go).
//
// Bodies are read by their type (kind.go): data (JSON, forms, text,
// frames) gets every rule; HTML its inputs, URL parameters, learned values
// and token formats; scripts and styles only learned values random enough
// and token formats, never a guess from a name. Ordinary headers
// (Sec-Fetch-*, Accept*, Content-Type, User-Agent, Cache-Control, …) are
// never changed.
//
// Binary content (the base64 fields: bodyBase64, postDataBase64, binary
// frames, binary chunks) is not parsed for names; a learned value or a
// token format found in its decoded bytes is overwritten with a mask of
// the same length ("[******]"), so that lengths and offsets inside the
// binary format stay valid.
//
// What it cannot see: secrets with no telling name that were never seen in
// a telling place (a token in a URL path, a one-time code in page text), a
// field split across two stream chunks or frames, values too short or too
// plain to learn (they are still hidden where their name shows them), and
// anything inside compressed or encrypted payloads.
//
// The package is pure: no I/O, no global state. It knows the records of
// package api and nothing of the engine that builds them.
package redact
