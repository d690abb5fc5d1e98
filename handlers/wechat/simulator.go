package wechat

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Simulator plays WeChat's server: it builds signed (and, with an AES key, encrypted) callbacks
// and opens the replies. `yilianbot chat`, cmd/wxload and the tests use it.
type Simulator struct {
	Settings  Settings
	AccountID string // the official account's original id, gh_...
	msgID     atomic.Int64
}

// NewSimulator returns a Simulator for the account with settings st.
func NewSimulator(st Settings) *Simulator {
	s := &Simulator{Settings: st, AccountID: "gh_yilianbot"}
	s.msgID.Store(time.Now().UnixNano() / 1000)
	return s
}

// NextMsgID returns a fresh MsgId.
func (s *Simulator) NextMsgID() int64 { return s.msgID.Add(1) }

// TextXML is the plain XML of a text message from openID.
func (s *Simulator) TextXML(openID, text string, msgID int64, at time.Time) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>",
		s.AccountID, openID, at.Unix(), cdata(text), msgID)
}

// EventXML is the plain XML of an event from openID.
func (s *Simulator) EventXML(openID, event, key string, at time.Time) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[%s]]></Event><EventKey><![CDATA[%s]]></EventKey></xml>",
		s.AccountID, openID, at.Unix(), event, cdata(key))
}

func cdata(s string) string { return strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") }

// Request signs plain XML as WeChat would and returns the POST to target (a URL ending in
// /wechat). With an AES key the body is the safe-mode envelope.
func (s *Simulator) Request(target string, plain []byte, at time.Time) (*http.Request, error) {
	ts := strconv.FormatInt(at.Unix(), 10)
	nonce := randomDigits(9)
	q := url.Values{}
	q.Set("timestamp", ts)
	q.Set("nonce", nonce)
	q.Set("signature", Signature(s.Settings.Token, ts, nonce))
	body := plain
	if s.Settings.EncodingAESKey != "" {
		enc, err := util.EncryptMsg([]byte(randomString(16)), plain, s.Settings.AppID, s.Settings.EncodingAESKey)
		if err != nil {
			return nil, fmt.Errorf("simulator: encrypt: %w", err)
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", Signature(s.Settings.Token, ts, nonce, string(enc)))
		body = fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", s.AccountID, enc)
	}
	req, err := http.NewRequest(http.MethodPost, target+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	return req, nil
}

// OpenedReply is a passive reply as the user sees it, opened by [Simulator.Open].
type OpenedReply struct {
	Success  bool   // "success": no reply
	MsgType  string // text, transfer_customer_service, ...
	Content  string
	To, From string
	XML      []byte // the plain reply XML
}

// Open checks and decrypts a reply body.
func (s *Simulator) Open(body []byte) (OpenedReply, error) {
	if string(body) == "success" || len(body) == 0 {
		return OpenedReply{Success: true}, nil
	}
	plain := body
	if s.Settings.EncodingAESKey != "" {
		var env encryptedReply
		if err := xml.Unmarshal(body, &env); err != nil {
			return OpenedReply{}, fmt.Errorf("simulator: reply envelope: %w", err)
		}
		want := Signature(s.Settings.Token, strconv.FormatInt(env.TimeStamp, 10), env.Nonce, env.Encrypt)
		if env.MsgSignature != want {
			return OpenedReply{}, errors.New("simulator: reply MsgSignature does not match")
		}
		_, p, err := util.DecryptMsg(s.Settings.AppID, env.Encrypt, s.Settings.EncodingAESKey)
		if err != nil {
			return OpenedReply{}, fmt.Errorf("simulator: decrypt reply: %w", err)
		}
		plain = p
	}
	var m MixMessage
	if err := xml.Unmarshal(plain, &m); err != nil {
		return OpenedReply{}, fmt.Errorf("simulator: reply xml: %w", err)
	}
	return OpenedReply{MsgType: string(m.MsgType), Content: m.Content, To: string(m.ToUserName), From: string(m.FromUserName), XML: plain}, nil
}
