package bot

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCodeAndMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		code, msg string
		notFound  bool
		invalid   bool
	}{
		{"nil", nil, "", "", false, false},
		{"no ticket", ErrNoTicket, CodeNotFound, "no such ticket", true, false},
		{"wrapped invalid", fmt.Errorf("desk: %w", Errorf(CodeInvalid, "unknown status %q", "done")), CodeInvalid, `unknown status "done"`, false, true},
		{"internal", errors.New("redis: connection refused"), CodeInternal, "internal error", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.code)
			}
			if got := ErrorMessage(tt.err); got != tt.msg {
				t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.msg)
			}
			if got := errors.Is(tt.err, ErrNoTicket); got != tt.notFound {
				t.Errorf("errors.Is(%v, ErrNoTicket) = %v, want %v", tt.err, got, tt.notFound)
			}
			if got := errors.Is(tt.err, ErrInvalidUpdate); got != tt.invalid {
				t.Errorf("errors.Is(%v, ErrInvalidUpdate) = %v, want %v", tt.err, got, tt.invalid)
			}
		})
	}
}
