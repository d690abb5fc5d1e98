package wechat

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Settings are the official account's callback settings, as entered in its admin console.
type Settings struct {
	AppID          string
	Token          string
	EncodingAESKey string // empty: plain mode only
	// AllowPlain accepts plain callbacks although EncodingAESKey is set, for the migration from
	// plain to safe mode. Otherwise a key means every callback must be encrypted: a plain one's
	// signature never covers its body, so a captured callback URL could carry any body.
	AllowPlain bool
}

// MaxBody is the largest callback body accepted. Real ones are a few KiB; the limit only
// bounds memory, and is set so that a 300,000-character Chinese text still fits in compatible
// mode, which carries it twice (plain, and encrypted in base64).
const MaxBody = 5 << 19 // 2.5 MiB

// maxIDBytes bounds the identifiers of a callback (openid, account id, MsgType, Event): WeChat's
// are under 64 bytes, and nothing longer is worth a Redis key or a log line.
const maxIDBytes = 128

// maxEventKeyBytes bounds EventKey: a menu key (at most 128 bytes) or a menu URL (1,024).
const maxEventKeyBytes = 2048

// TimestampWindow is how far a callback's timestamp may be from now.
const TimestampWindow = 300 * time.Second

// A Rejection is a refused callback: the HTTP status to answer with and a short reason
// for metrics and logs.
type Rejection struct {
	Status int
	Reason string
	Err    error
}

func (r *Rejection) Error() string { return r.Reason + ": " + r.Err.Error() }

func (r *Rejection) Unwrap() error { return r.Err }

func reject(status int, reason string, format string, args ...any) *Rejection {
	return &Rejection{status, reason, fmt.Errorf(format, args...)}
}

// Verify checks the origin signature and the timestamp window of a callback, given its URL
// query. It returns nil for a callback that WeChat sent within [TimestampWindow] of now.
func (s Settings) Verify(q url.Values, now time.Time) *Rejection {
	ts, nonce, sig := q.Get("timestamp"), q.Get("nonce"), q.Get("signature")
	// An encrypted callback is authenticated by msg_signature, which also covers the body
	// (checked in Decode); WeChat sends signature too, but it adds nothing there.
	bodySigned := q.Get("encrypt_type") == "aes" && q.Get("msg_signature") != ""
	if ts == "" || nonce == "" || (sig == "" && !bodySigned) {
		return reject(http.StatusBadRequest, "missing_params", "timestamp, nonce and signature are required")
	}
	if (sig != "" || !bodySigned) && !equal(Signature(s.Token, ts, nonce), strings.ToLower(sig)) {
		return reject(http.StatusForbidden, "bad_signature", "signature does not match")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return reject(http.StatusBadRequest, "bad_timestamp", "timestamp %q is not a number", ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > TimestampWindow || d < -TimestampWindow {
		return reject(http.StatusForbidden, "stale_timestamp", "timestamp is %s away from now", d.Round(time.Second))
	}
	return nil
}

// Decode turns the body of a verified callback into a MixMessage, checking
// msg_signature and decrypting it in safe and compatible mode. encrypted reports whether the
// callback came encrypted, and so whether its reply must be sealed.
func (s Settings) Decode(q url.Values, body []byte) (m *MixMessage, encrypted bool, rj *Rejection) {
	encrypted = q.Get("encrypt_type") == "aes"
	if !encrypted && s.EncodingAESKey != "" && !s.AllowPlain {
		// Compatible mode sends encrypt_type and msg_signature too; a plain callback here is a
		// captured URL with them dropped, or a console still set to plain mode.
		return nil, false, reject(http.StatusForbidden, "plain_refused", "plain callback while WECHAT_ENCODING_AES_KEY is set (WECHAT_ALLOW_PLAIN is off)")
	}
	raw := body
	if encrypted {
		if s.EncodingAESKey == "" {
			return nil, true, reject(http.StatusBadRequest, "aes_not_configured", "encrypted callback but WECHAT_ENCODING_AES_KEY is not set")
		}
		var env encryptedCallback
		if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
			return nil, true, reject(http.StatusBadRequest, "malformed", "encrypted envelope: %v", err)
		}
		if !equal(Signature(s.Token, q.Get("timestamp"), q.Get("nonce"), env.Encrypt), strings.ToLower(q.Get("msg_signature"))) {
			return nil, true, reject(http.StatusForbidden, "bad_msg_signature", "msg_signature does not match")
		}
		_, plain, err := util.DecryptMsg(s.AppID, env.Encrypt, s.EncodingAESKey)
		if err != nil {
			return nil, true, reject(http.StatusBadRequest, "decrypt_failed", "decrypt: %v", err)
		}
		raw = plain
	}
	var mix MixMessage
	if err := xml.Unmarshal(raw, &mix); err != nil {
		return nil, encrypted, reject(http.StatusBadRequest, "malformed", "xml: %v", err)
	}
	if mix.MsgType == "" || mix.FromUserName == "" || mix.ToUserName == "" {
		return nil, encrypted, reject(http.StatusBadRequest, "malformed", "MsgType, FromUserName and ToUserName are required")
	}
	if len(mix.MsgType) > maxIDBytes || len(mix.FromUserName) > maxIDBytes || len(mix.ToUserName) > maxIDBytes ||
		len(mix.Event) > maxIDBytes || len(mix.EventKey) > maxEventKeyBytes {
		return nil, encrypted, reject(http.StatusBadRequest, "malformed", "an identifier is longer than WeChat's")
	}
	return &mix, encrypted, nil
}

// CallbackID identifies a signed callback: the hex SHA-256 of its timestamp, nonce, signature
// and, for an encrypted callback, msg_signature. WeChat's re-delivery of one callback has the
// same id; a captured callback URL posted with another body has the same id and another
// [BodyHash]. Only checked parameters count, in the case-insensitive form they are checked in:
// an unchecked msg_signature added to a plain callback must not make a new id.
func CallbackID(q url.Values) string {
	h := sha256.New()
	io.WriteString(h, q.Get("timestamp")+"\n"+q.Get("nonce")+"\n"+strings.ToLower(q.Get("signature")))
	if ms := q.Get("msg_signature"); ms != "" && q.Get("encrypt_type") == "aes" {
		io.WriteString(h, "\n"+strings.ToLower(ms))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// BodyHash is the hex SHA-256 of a callback's raw body.
func BodyHash(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}
