package wechat

import "encoding/xml"

// The wire types below are the package's own rather than the SDK's officialaccount/message,
// officialaccount/menu and credential packages: those import the SDK's cache package, which
// links go-redis v8 and memcache into the binary, for a handful of struct definitions. Field
// names and tags follow the SDK's, so the XML and JSON on the wire are the same. The SDK's util
// package (the message crypto and CommonError) is still used.

// MsgType is the MsgType of a callback or passive reply.
type MsgType string

// Message types, as WeChat documents them.
const (
	MsgTypeText       MsgType = "text"
	MsgTypeImage      MsgType = "image"
	MsgTypeVoice      MsgType = "voice"
	MsgTypeVideo      MsgType = "video"
	MsgTypeShortVideo MsgType = "shortvideo"
	MsgTypeLocation   MsgType = "location"
	MsgTypeLink       MsgType = "link"
	MsgTypeEvent      MsgType = "event"
	MsgTypeTransfer   MsgType = "transfer_customer_service"
)

// EventType is the Event of an event callback (subscribe, CLICK, …).
type EventType string

// MixMessage is a callback's plain XML: the fields the bot reads, of every message type.
// Other elements are ignored.
type MixMessage struct {
	XMLName      xml.Name  `xml:"xml"`
	ToUserName   string    `xml:"ToUserName"`
	FromUserName string    `xml:"FromUserName"`
	CreateTime   int64     `xml:"CreateTime"`
	MsgType      MsgType   `xml:"MsgType"`
	MsgID        int64     `xml:"MsgId"` // a template message's send result says MsgID: not this
	Content      string    `xml:"Content"`
	Recognition  string    `xml:"Recognition"` // voice recognised as text, when enabled
	Event        EventType `xml:"Event"`
	EventKey     string    `xml:"EventKey"`
}

// cdataText is text written as a CDATA section, as WeChat writes its own messages.
type cdataText string

func (c cdataText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(struct {
		S string `xml:",cdata"`
	}{string(c)}, start)
}

// replyHeader is the addressing every passive reply starts with.
type replyHeader struct {
	XMLName      xml.Name  `xml:"xml"`
	ToUserName   cdataText `xml:"ToUserName"`
	FromUserName cdataText `xml:"FromUserName"`
	CreateTime   int64     `xml:"CreateTime"`
	MsgType      MsgType   `xml:"MsgType"`
}

type textReply struct {
	replyHeader
	Content cdataText `xml:"Content"`
}

type transferReply struct {
	replyHeader
	TransInfo *transInfo `xml:"TransInfo,omitempty"`
}

type transInfo struct {
	KfAccount string `xml:"KfAccount"`
}

// encryptedCallback is the safe-mode envelope of a callback.
type encryptedCallback struct {
	XMLName    struct{} `xml:"xml"`
	ToUserName string   `xml:"ToUserName"`
	Encrypt    string   `xml:"Encrypt"`
}

// encryptedReply is the safe-mode envelope of a passive reply.
type encryptedReply struct {
	XMLName      struct{} `xml:"xml"`
	Encrypt      string   `xml:"Encrypt"`
	MsgSignature string   `xml:"MsgSignature"`
	TimeStamp    int64    `xml:"TimeStamp"`
	Nonce        string   `xml:"Nonce"`
}

// customerText is the body of message/custom/send for a text message.
type customerText struct {
	ToUser  string  `json:"touser"`
	MsgType MsgType `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

// templateMessage is the body of message/template/send.
type templateMessage struct {
	ToUser     string                  `json:"touser"`
	TemplateID string                  `json:"template_id"`
	Data       map[string]templateItem `json:"data"`
}

type templateItem struct {
	Value string `json:"value"`
}

// accessToken is the answer of cgi-bin/stable_token.
type accessToken struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// Button is a button of the custom menu: a click button (Type "click", Key) or a group of
// SubButtons.
type Button struct {
	Type       string    `json:"type,omitempty"`
	Name       string    `json:"name,omitempty"`
	Key        string    `json:"key,omitempty"`
	SubButtons []*Button `json:"sub_button,omitempty"`
}

// NewClickButton returns a click button: WeChat posts a CLICK event with key.
func NewClickButton(name, key string) *Button {
	return &Button{Type: "click", Name: name, Key: key}
}

// NewSubButton returns a top-level button that opens subs.
func NewSubButton(name string, subs []*Button) *Button {
	return &Button{Name: name, SubButtons: subs}
}
