package redact

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tabtap/tabtap/host/api"
)

// Every field of the records that can hold text is either scrubbed (the
// Scrubber's record methods, records.go, hide secrets in it) or exempt,
// with why. A field added to the records that is in neither list fails
// TestEveryRecordFieldIsScrubbedOrExempt: a field nobody scrubs would
// leak silently.

// scrubbedFields are the text fields the Scrubber scrubs.
var scrubbedFields = []string{
	"Request.URL", "Request.Headers", "Request.PostData", "Request.PostDataBase64", "Request.DocumentURL",
	"Request.RedirectedFrom", "Initiator.URL", "BlockedCookie.Line",
	"Response.URL", "Response.Headers", "Response.Body", "Response.BodyBase64", "Response.RedirectURL",
	"Response.ErrorText", "Response.BodyError", "WebSocketError.Message", "CachedResponse.Headers",
	"WSFrame.URL", "WSFrame.Payload",
	"StreamingResponse.URL", "StreamMessage.Data", "StreamMessage.EventName", "StreamMessage.EventID",
	"StreamChunk.Data", "StreamChunk.DataBase64",
}

// exemptFields are the text fields left as they are, with why.
var exemptFields = map[string]string{
	"Request.RequestID":           "the browser's id",
	"Request.Method":              "an HTTP method",
	"Request.ResourceType":        "the browser's resource type",
	"Request.FrameID":             "the browser's id",
	"Request.Redacted":            "names and places, never values",
	"Request.SentBy":              "agent, or empty",
	"Initiator.Type":              "the browser's initiator type",
	"Initiator.RequestID":         "the browser's id",
	"Source.Target":               "the kind of target",
	"Source.TargetID":             "the browser's id",
	"BlockedCookie.Name":          "a cookie's name: names stay",
	"BlockedCookie.Reasons":       "the browser's reasons",
	"Response.RequestID":          "the browser's id",
	"Response.StatusText":         "the server's reason phrase",
	"Response.MimeType":           "the browser's MIME type",
	"Response.RemoteAddress":      "an IP address and a port",
	"Response.Protocol":           "the protocol's name",
	"Response.BlockedReason":      "the browser's reason",
	"Response.Redacted":           "names and places, never values",
	"CachedResponse.StatusText":   "the server's reason phrase",
	"WSFrame.RequestID":           "the browser's id",
	"WSFrame.Direction":           "sent or received",
	"WSFrame.Redacted":            "names and places, never values",
	"StreamingResponse.RequestID": "the browser's id",
	"StreamingResponse.Kind":      "eventsource or chunked",
	"StreamingResponse.Redacted":  "names and places, never values",
}

// textFields lists the fields of t and of the structs it holds that can
// hold text, as Type.Field.
func textFields(t reflect.Type, seen map[reflect.Type]bool, out *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || t == reflect.TypeOf(time.Time{}) {
		return
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.String, ft.Kind() == reflect.Map,
			ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			*out = append(*out, t.Name()+"."+f.Name)
		case ft.Kind() == reflect.Struct, ft.Kind() == reflect.Slice:
			textFields(ft, seen, out)
		}
	}
}

func TestEveryRecordFieldIsScrubbedOrExempt(t *testing.T) {
	var fields []string
	seen := map[reflect.Type]bool{}
	for _, r := range []any{api.Request{}, api.Response{}, api.WSFrame{}, api.StreamingResponse{}} {
		textFields(reflect.TypeOf(r), seen, &fields)
	}
	scrubbed := map[string]bool{}
	for _, f := range scrubbedFields {
		scrubbed[f] = true
	}
	found := map[string]bool{}
	for _, f := range fields {
		found[f] = true
		_, exempt := exemptFields[f]
		switch {
		case scrubbed[f] && exempt:
			t.Errorf("api.%s is both scrubbed and exempt", f)
		case !scrubbed[f] && !exempt:
			t.Errorf("api.%s is neither scrubbed nor exempt: scrub it in redact/records.go and list it in scrubbedFields, or list it in exemptFields with why it cannot hold a secret", f)
		}
	}
	for _, f := range append(append([]string(nil), scrubbedFields...), keys(exemptFields)...) {
		if !found[f] {
			t.Errorf("%s is listed but is no field of the records", f)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// plant sets every text field of the struct v points to (and of the
// structs it holds) to a text holding secret, and returns the fields set.
func plant(v reflect.Value, secret string) {
	v = v.Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		switch fv.Kind() {
		case reflect.String:
			switch {
			case strings.HasSuffix(f.Name, "Base64"):
				fv.SetString(base64.StdEncoding.EncodeToString([]byte("\x00\x01 " + secret + " \xff")))
			case strings.Contains(f.Name, "URL") || f.Name == "Line":
				fv.SetString("https://a.test/p/" + secret + "?q=1")
			default:
				fv.SetString("x " + secret + " x")
			}
		case reflect.Map:
			fv.Set(reflect.ValueOf(map[string]string{"X-Echo": secret, "Set-Cookie": "id=" + secret}))
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.String {
				fv.Set(reflect.ValueOf([]string{secret}))
				continue
			}
			if fv.Type().Elem().Kind() != reflect.Struct {
				continue
			}
			s := reflect.MakeSlice(fv.Type(), 1, 1)
			plant(s.Index(0).Addr(), secret)
			fv.Set(s)
		case reflect.Pointer:
			if fv.Type().Elem().Kind() == reflect.Struct && fv.Type().Elem() != reflect.TypeOf(time.Time{}) {
				p := reflect.New(fv.Type().Elem())
				plant(p, secret)
				fv.Set(p)
			}
		case reflect.Struct:
			if fv.Type() != reflect.TypeOf(time.Time{}) {
				plant(fv.Addr(), secret)
			}
		}
	}
}

// holding lists the text fields of v (Type.Field) that still hold
// secret, decoded from base64 where they are base64.
func holding(v reflect.Value, secret string, out map[string]bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), v.Field(i)
		name := t.Name() + "." + f.Name
		switch fv.Kind() {
		case reflect.String:
			s := fv.String()
			if strings.HasSuffix(f.Name, "Base64") {
				b, _ := base64.StdEncoding.DecodeString(s)
				s = string(b)
			}
			if strings.Contains(s, secret) {
				out[name] = true
			}
		case reflect.Map:
			b, _ := json.Marshal(fv.Interface())
			if strings.Contains(string(b), secret) {
				out[name] = true
			}
		case reflect.Slice:
			for j := 0; j < fv.Len(); j++ {
				if e := fv.Index(j); e.Kind() == reflect.String {
					if strings.Contains(e.String(), secret) {
						out[name] = true
					}
				} else if e.Kind() == reflect.Struct {
					holding(e, secret, out)
				}
			}
		case reflect.Pointer, reflect.Struct:
			if fv.Kind() == reflect.Struct && fv.Type() == reflect.TypeOf(time.Time{}) {
				continue
			}
			holding(fv, secret, out)
		}
	}
}

// TestScrubbedFieldsAreScrubbed plants a learned secret in every text
// field of every record: after the Scrubber, no scrubbed field holds it,
// and the exempt ones are as they were.
func TestScrubbedFieldsAreScrubbed(t *testing.T) {
	const secret = "s3cr3tV4lue9f8e7d6c5b4a"
	s := NewSet()
	s.Learn(secret)
	sc := s.Scrubber()
	req, resp, frame, stream := &api.Request{}, &api.Response{}, &api.WSFrame{}, &api.StreamingResponse{}
	for _, r := range []any{req, resp, frame, stream} {
		plant(reflect.ValueOf(r), secret)
	}
	frame.Binary, resp.MimeType, req.Redacted, resp.Redacted, frame.Redacted, stream.Redacted = false, "application/json", nil, nil, nil, nil
	sc.Request(req)
	sc.Response(resp)
	sc.Frame(frame)
	sc.Stream(stream)
	left := map[string]bool{}
	for _, r := range []any{req, resp, frame, stream} {
		holding(reflect.ValueOf(r), secret, left)
	}
	for _, f := range scrubbedFields {
		if left[f] {
			t.Errorf("api.%s is listed as scrubbed but still holds the secret", f)
		}
	}
	for f := range exemptFields {
		if !left[f] && !strings.HasSuffix(f, ".Redacted") && f != "Response.MimeType" {
			t.Errorf("api.%s is listed as exempt but was changed", f)
		}
	}
	for _, r := range [][]string{req.Redacted, resp.Redacted, frame.Redacted, stream.Redacted} {
		if len(r) == 0 {
			t.Errorf("a scrubbed record does not say what was hidden")
		}
		for _, p := range r {
			if strings.Contains(p, secret) {
				t.Errorf("redacted names the secret: %q", p)
			}
		}
	}
}
