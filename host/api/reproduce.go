package api

// The languages get_request's as writes a request in: a curl command
// (POSIX shell), fetch for Node 18 or later, Python 3's urllib.request.
var CodeLanguages = []string{"curl", "fetch", "python"}

// Secret is one value redaction hid in a request written as code: the
// code reads it from an environment variable.
type Secret struct {
	// Name is the environment variable, e.g. TABTAP_AUTHORIZATION: set it
	// to the hidden value as it stood in the request (percent-encoded in
	// a URL, escaped in JSON).
	Name string `json:"name"`
	// Where is the value's place, as a record's redacted names it
	// (docs/records.md): header:<name>, cookie:<name>, query:<name>,
	// url:password, url (elsewhere in the URL), body:$.<json path>,
	// body:<form or multipart field>, body (elsewhere in the body).
	Where string `json:"where"`
}

// SendRequest is the operation that sends a captured request again, as
// the person: from the session's tab, with their cookies and the
// credentials the captured request carried. Arguments: SendRequestArgs.
// Result: SendResult.
const SendRequest = "send_request"

// SendRequestArgs name a captured request to send again, and what to
// change in it.
type SendRequestArgs struct {
	SessionID string `json:"sessionId"`
	RequestID string `json:"requestId"`
	// Method replaces the request's method.
	Method *string `json:"method,omitempty"`
	// URL replaces the request's URL, on the same origin. A [redacted] in
	// it gets the value hidden at the same place of the captured URL.
	URL *string `json:"url,omitempty"`
	// Headers set (or, with null, remove) headers by name, whatever their
	// case. A [redacted] in a value gets the value hidden in the captured
	// header of that name.
	Headers map[string]*string `json:"headers,omitempty"`
	// Body replaces the request's body, as text. A [redacted] in it gets
	// the value hidden at the same place (field) of the captured body.
	Body *string `json:"body,omitempty"`
	// TimeoutSeconds bounds the exchange (SendSeconds).
	TimeoutSeconds *int `json:"timeoutSeconds,omitempty"`
	MaxResultBytes *int `json:"maxResultBytes,omitempty"`
}

// SendResult is the exchange send_request made, shaped as get_request
// shows one, secrets hidden.
type SendResult struct {
	RequestDetail
	// From is the origin of the page the request went from.
	From string `json:"from"`
	// Joined is true when the session's running capture recorded the
	// exchange, as request.requestId (marked sentBy "agent"): get_request
	// reads it there as the browser sent it, cookies included.
	Joined bool `json:"joined"`
	// NotSent names the headers the browser does not let a page set; it
	// sent its own instead (the person's current cookies for Cookie).
	NotSent []string `json:"notSent,omitempty"`
	// Notes say where what was sent differs from the captured request
	// beyond what the arguments changed.
	Notes []string `json:"notes,omitempty"`
}
