// Package redact hides credentials in captured traffic while keeping its
// shape: a secret's name stays, its value becomes [redacted].
//
// Two kinds of rule work together:
//
//   - Rules by name and place, applied to every record on its way out:
//     credential headers (Authorization, Cookie, X-Api-Key, X-CSRF-Token, any
//     header whose name says token, secret, auth, session, password, …),
//     cookie values (names and attributes stay), secret-looking query and
//     fragment parameters in every URL and URL-shaped text, form, multipart
//     and JSON (or JavaScript-object) fields with secret names, and the
//     values of HTML inputs and meta tags named like a secret.
//   - Values learned as secrets in one place (a cookie's value, a token
//     parameter, an Authorization credential, a JSON token field) are
//     scrubbed wherever else they show up: other URLs, bodies, WebSocket
//     frames and stream data. A Set learns them as events arrive; its
//     Scrubber, built once and cached until the Set learns something new,
//     applies both kinds of rule to one record copy at a time.
//
// Binary content (the base64 fields: bodyBase64, postDataBase64, binary
// frames, binary chunks) is not parsed for names; a learned value found in
// its decoded bytes is overwritten with a mask of the same length
// ("[******]"), so that lengths and offsets inside the binary format stay
// valid.
//
// What it cannot see: secrets with no telling name that were never seen in
// a telling place (a token in a URL path, a one-time code in page text), a
// field split across two stream chunks or frames, values shorter than
// eight characters learned elsewhere (they are still hidden where their
// name shows them), and anything inside compressed or encrypted payloads.
//
// The package is pure: no I/O, no global state. It knows the records of
// package api and nothing of the engine that builds them.
package redact
