package rpc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// Message is the envelope of every message in both directions. Each side
// numbers its own requests from 1 (an id of 0 reads as a notification), so
// an id means something only together with the direction it travels in. A
// message with a method is a request, or a notification when it has no id;
// one without a method is a response.
type Message struct {
	// ID is set on requests and on their responses; notifications have none.
	ID int64 `json:"id,omitempty"`
	// Method names the request or notification; responses have none.
	Method string `json:"method,omitempty"`
	// Params holds the arguments of a request or notification.
	Params json.RawMessage `json:"params,omitempty"`
	// Result holds a successful response's value.
	Result json.RawMessage `json:"result,omitempty"`
	// Error is set on a failed response.
	Error *Error `json:"error,omitempty"`
}

// AppendJSON appends m as JSON, as json.Marshal writes it, without
// checking Params and Result again: they hold JSON already encoded (by
// json.Marshal, or read off a port and checked then).
func (m Message) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	sep := func() {
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
	}
	if m.ID != 0 {
		b = strconv.AppendInt(append(b, `"id":`...), m.ID, 10)
	}
	if m.Method != "" {
		sep()
		var err error
		if b, err = jsontext.AppendQuote(append(b, `"method":`...), m.Method); err != nil {
			return nil, fmt.Errorf("encoding a method name: %w", err)
		}
	}
	if len(m.Params) > 0 {
		sep()
		b = append(append(b, `"params":`...), m.Params...)
	}
	if len(m.Result) > 0 {
		sep()
		b = append(append(b, `"result":`...), m.Result...)
	}
	if m.Error != nil {
		e, err := json.Marshal(m.Error)
		if err != nil {
			return nil, fmt.Errorf("encoding an error: %w", err)
		}
		sep()
		b = append(append(b, `"error":`...), e...)
	}
	return append(b, '}'), nil
}

// IsRequest reports whether m is a request (it has a method and an id).
func (m Message) IsRequest() bool { return m.Method != "" && m.ID != 0 }

// IsNotification reports whether m is a notification (a method, no id).
func (m Message) IsNotification() bool { return m.Method != "" && m.ID == 0 }

// IsResponse reports whether m is a response (an id, no method).
func (m Message) IsResponse() bool { return m.Method == "" && m.ID != 0 }

// Invalid is the error Decode returns for a frame that is not a valid
// message, with what could still be read of it, so that whoever waits on
// its id hears of it at once instead of at a timeout.
type Invalid struct {
	// ID is the frame's id, 0 when it had none that could be read.
	ID int64
	// Request is true when the frame had a method field: with an ID it was
	// meant as a request, which deserves an error reply; without a method
	// field and with an ID it was meant as the response to a call.
	Request bool
	// Reason says what is wrong with the frame.
	Reason string
}

// Error says what is malformed.
func (e *Invalid) Error() string { return "malformed message: " + e.Reason }

// Decode parses one frame. A frame that is not a valid message returns an
// *Invalid error.
func Decode(frame []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(frame, &m); err != nil {
		bad := &Invalid{Reason: err.Error()}
		var probe struct {
			ID     int64           `json:"id"`
			Method json.RawMessage `json:"method"`
		}
		if json.Unmarshal(frame, &probe) == nil && probe.ID > 0 {
			bad.ID = probe.ID
			bad.Request = probe.Method != nil && string(probe.Method) != "null"
		}
		return Message{}, bad
	}
	switch {
	case m.ID < 0:
		return Message{}, &Invalid{Reason: fmt.Sprintf("negative id %d", m.ID)}
	case m.Method == "" && m.ID == 0:
		return Message{}, &Invalid{Reason: "neither id nor method"}
	case m.IsResponse() && m.Error != nil && m.Error.Message == "":
		return Message{}, &Invalid{ID: m.ID, Reason: "an error without a message"}
	}
	return m, nil
}

// Answer runs a request's handler and returns the response to send: its
// result, or its error as an *Error (CodeOf gives the code). A panic in
// handle becomes an internal error naming the method, so that one bad
// request cannot take the process, and what it holds, down; the panic
// value is returned for the caller to log.
func Answer(req Message, handle func() (any, error)) (reply Message, panicked any) {
	res, err, panicked := run(handle)
	if panicked != nil {
		err = Errorf(CodeInternal, "%s failed inside tabtap (%v); the captures are unharmed", req.Method, panicked)
	}
	reply = Message{ID: req.ID}
	if err == nil {
		if reply.Result, err = json.Marshal(res); err != nil {
			err = Errorf(CodeInternal, "encoding the result of %s: %v", req.Method, err)
		}
	}
	if err != nil {
		reply.Result = nil
		reply.Error = AsError(err)
	}
	return reply, panicked
}

func run(handle func() (any, error)) (res any, err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	res, err = handle()
	return res, err, nil
}

// AsError returns err as an *Error: itself when it is one (or wraps one,
// whose code it keeps, with err's whole message), else an internal error
// with err's message.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) && e == err {
		return e
	}
	return &Error{Code: CodeOf(err), Message: err.Error()}
}
