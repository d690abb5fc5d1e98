package bot

import (
	"errors"
	"fmt"
)

// Codes of application errors: what went wrong in terms a caller can act on.
const (
	CodeNotFound = "not_found" // no such ticket (or not the caller's)
	CodeInvalid  = "invalid"   // the request cannot be carried out as given
	CodeInternal = "internal"  // anything else: Redis, bugs; details are for the log only

	CodeBadLogin  = "bad_login"  // wrong name or password, or a disabled agent: one answer for all
	CodeLocked    = "locked"     // too many failed logins: the message says when to retry
	CodeNoSession = "no_session" // no such session or API token, or it expired
	CodeForbidden = "forbidden"  // the agent's role does not allow it
	CodeExists    = "exists"     // an agent of that name exists
)

// Error is an application error: a code for the caller to branch on and a message that may be
// shown to the people using the agent API. Other errors are internal.
type Error struct {
	Code    string
	Message string
}

// Errorf returns an Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return "bot: " + e.Message }

// Is makes every Error match the sentinel of its code, so that errors.Is(err, ErrNoTicket)
// holds for any not-found error and errors.Is(err, ErrInvalidUpdate) for any invalid one.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels of the ticket API, for errors.Is.
var (
	ErrNoTicket      = &Error{Code: CodeNotFound, Message: "no such ticket"}
	ErrInvalidUpdate = &Error{Code: CodeInvalid, Message: "invalid ticket update"}
)

// ErrorCode returns the code of the Error in err's chain: "" for nil, CodeInternal for an
// error that is not an application error.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message of the Error in err's chain, or "internal error" for an
// error that is not an application error: its text is not for users.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "internal error"
}
