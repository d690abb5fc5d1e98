package wechat

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// FallbackText is the passive reply when the bot cannot answer within WeChat's reply window
// or fails, so that WeChat never shows "该公众号暂时无法提供服务". cmd/wxload counts it as a
// failure.
const FallbackText = "抱歉，系统有点忙，请稍后再发一次您的问题。着急的话可以回复“人工”联系人工客服。"

// RenderText returns the plain XML of a passive text reply to m, created at the given time.
func RenderText(m *MixMessage, text string, created time.Time) ([]byte, error) {
	return xml.Marshal(textReply{replyHeader: header(m, MsgTypeText, created), Content: cdataText(text)})
}

// RenderTransfer returns the plain XML of a passive reply that hands m's conversation to the
// human agents: to kfAccount, or to any agent when kfAccount is empty.
func RenderTransfer(m *MixMessage, kfAccount string, created time.Time) ([]byte, error) {
	r := transferReply{replyHeader: header(m, MsgTypeTransfer, created)}
	if kfAccount != "" {
		r.TransInfo = &transInfo{KfAccount: kfAccount}
	}
	return xml.Marshal(r)
}

// header addresses a reply to m: back to its sender, from the account it was sent to.
func header(m *MixMessage, t MsgType, created time.Time) replyHeader {
	return replyHeader{ToUserName: cdataText(m.FromUserName), FromUserName: cdataText(m.ToUserName), CreateTime: created.Unix(), MsgType: t}
}

// Seal wraps a plain reply in the safe-mode envelope, encrypted and signed, with a fresh
// random prefix and nonce. The reply to an encrypted callback must be sealed.
func (s Settings) Seal(plain []byte, now time.Time) ([]byte, error) {
	random := []byte(randomString(16))
	enc, err := util.EncryptMsg(random, plain, s.AppID, s.EncodingAESKey)
	if err != nil {
		return nil, fmt.Errorf("encrypt reply: %w", err)
	}
	ts := now.Unix()
	nonce := randomDigits(10)
	env := encryptedReply{
		Encrypt:      string(enc),
		MsgSignature: Signature(s.Token, strconv.FormatInt(ts, 10), nonce, string(enc)),
		TimeStamp:    ts,
		Nonce:        nonce,
	}
	return xml.Marshal(env)
}
