package rpc

import (
	"errors"
	"fmt"
)

// Codes every link shares. Each link adds its own (extension/protocol.go,
// api/api.go); once published a code is never renamed or reused.
const (
	// CodeInvalidArgument: the request is malformed or its params are
	// wrong; the message names what.
	CodeInvalidArgument = "invalid_argument"
	// CodeInternal: anything else; the message says what happened.
	CodeInternal = "internal"
)

// Error is a failed call's reason: a stable code a program can branch on,
// and a message written for a person that says what to do.
type Error struct {
	// Code is one of the link's codes, e.g. "no_tab".
	Code string `json:"code"`
	// Message says what went wrong, e.g. "No tab with id: 812."
	Message string `json:"message"`
}

// Error is the sentence for a person.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, or
// CodeInternal when there is none (or it has no code).
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return CodeInternal
}
