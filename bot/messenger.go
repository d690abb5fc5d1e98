package bot

import (
	"context"
	"errors"
)

// ErrOutsideWindow means WeChat does not let the account message this user now: the last
// message is more than 48 hours old, the quota of messages after it is used up, or the user
// unfollowed (errcodes 45015, 45047, 43004). The message is kept and delivered later.
var ErrOutsideWindow = errors.New("bot: user cannot be messaged now")

// Messenger sends messages to users outside a passive reply: agents' replies to tickets. It is
// implemented with WeChat's customer-service API (handlers/wechat.Client, adapted in cmd).
type Messenger interface {
	// SendText sends a customer-service text message; errors wrap ErrOutsideWindow when WeChat
	// refuses because of the 48-hour window or quota.
	SendText(ctx context.Context, openID, text string) error
	// SendTemplate sends a template message (certified service accounts only).
	SendTemplate(ctx context.Context, openID, templateID string, fields map[string]string) error
}
