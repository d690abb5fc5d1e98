package bot

import (
	"fmt"
	"strings"
)

// The user-facing texts of the dialogue. They are short, natural Chinese; contact details come
// from configuration (Options.Contact).

const (
	textAskToType      = "抱歉，这条语音没能识别出文字。麻烦您用文字再说一下问题，我马上为您查找。"
	textMediaPrefix    = "收到您发来的%s，不过我暂时只能看懂文字哦。"
	textMediaHelp      = "请用文字描述您的问题（例如“对账单在哪下载”），回复“菜单”查看自助服务，回复“人工”联系人工客服。"
	textMenuTitle      = "请回复数字选择您要咨询的类别："
	textMenuFooter     = "也可以直接输入您的问题，例如“对账单在哪下载”。回复“人工”联系人工客服。"
	textNoSuchOption   = "没有这个选项哦，请回复下面列表中的数字。"
	textCategoryFooter = "回复数字查看答案，回复“返回”回到主菜单。"
	textSuggestTitle   = "您可能想问："
	textSuggestFooter  = "请回复数字查看答案。都不是？换个说法试试，或回复“人工”。"
	textFeedbackAsk    = "这个回答对您有帮助吗？回复“有用”或“没用”告诉我们。"
	textRelatedTitle   = "相关问题（回复数字查看）："
	textThanks         = "感谢您的反馈！还有其他问题可以随时问我，回复“菜单”查看自助服务。"
	textSorryAlts      = "抱歉没能帮到您。您要问的是不是下面这些？"
	textSessionExpired = "由于长时间没有操作，之前的对话已结束。"
	textRateLimited    = "您发送消息太频繁了，请稍等一分钟再发，我们会继续为您服务。"
	textContinueNone   = "没有需要继续显示的内容了。回复“菜单”查看自助服务。"
	textMoreSuffix     = "\n\n（内容较长，回复“继续”查看剩余内容）"
	textNothingToGoUp  = "已经在主菜单了。"
	textNotUnderstood  = "抱歉，我没能理解您的问题，可以换个说法再问一次，或从下面的自助服务里找找。"
	textOutOfScope     = "抱歉，“%s”相关的问题不在我的服务范围，建议咨询对应的服务机构。我可以帮您解答易联支付的交易、结算、对账、退款、费率等问题，回复“菜单”查看全部自助服务。"
	textEmpty          = "您好，请问有什么可以帮您？回复“菜单”查看自助服务。"
	textSecretOnlyHint = "您遇到的问题可以直接用文字描述，例如“验证码收不到”“卡被盗刷了怎么办”，我来帮您处理；回复“人工”联系人工客服。"
	textFlowBusy       = "系统有点忙，工单还没有提交成功。您填写的内容都保留着，请稍后再回复一次。"
	textTooLong        = "消息太长了，我先看了前面的部分；详细情况可以分几条发给我。"
)

// mediaName names a media kind as users say it.
var mediaName = map[Kind]string{
	KindImage:      "图片",
	KindVideo:      "视频",
	KindShortVideo: "小视频",
	KindLocation:   "位置",
	KindLink:       "链接",
	KindFile:       "文件",
}

func (b *Bot) welcomeText() string {
	name := b.contact("account_name")
	if name == "" {
		name = "易联支付"
	}
	return fmt.Sprintf("您好，欢迎关注%s！我是智能客服，全天为您解答支付问题。\n\n%s", name, b.menuText())
}

func (b *Bot) menuText() string {
	var sb strings.Builder
	sb.WriteString(textMenuTitle)
	for i, c := range b.kb.Content().Categories {
		fmt.Fprintf(&sb, "\n%d. %s", i+1, c.Name)
	}
	sb.WriteString("\n0. 人工客服\n\n")
	sb.WriteString(textMenuFooter)
	return sb.String()
}

func numbered(title string, items []string, footer string) string {
	var sb strings.Builder
	sb.WriteString(title)
	for i, it := range items {
		fmt.Fprintf(&sb, "\n%d. %s", i+1, it)
	}
	if footer != "" {
		sb.WriteString("\n\n")
		sb.WriteString(footer)
	}
	return sb.String()
}

// guardText is the one-line warning put on top of the reply to a message with a payment secret.
func (b *Bot) guardText(kinds []string) string {
	call := "联系官方客服"
	if h := b.contact("hotline"); h != "" {
		call = "拨打官方热线 " + h
	}
	return fmt.Sprintf("⚠️ 请不要在对话中发送%s，已自动隐藏、不会保存。官方客服绝不会索要验证码或密码，如已告诉他人，请立即修改密码并%s。",
		strings.Join(kinds, "、"), call)
}

func (b *Bot) handoffOpenText() string {
	return "好的，正在为您转接人工客服。请直接发送您要咨询的问题，客服接入后会尽快回复您（高峰期可能需要排队，请耐心等待）。"
}

func (b *Bot) handoffClosedText() string {
	now := b.now()
	s := fmt.Sprintf("人工客服的服务时间是每天 %s，现在不在服务时间，%s 起可以为您服务。\n"+
		"我先帮您登记工单，客服上班后会按时效优先处理；不需要的话回复“取消”，也可以继续向我提问。",
		b.hours.window(now), b.hours.nextOpen(now))
	if b.contact("hotline") != "" {
		s += "\n客服热线：" + b.contact("hotline")
	}
	return s
}

func (b *Bot) urgentClosedText() string {
	return fmt.Sprintf("您反映的问题涉及资金安全，我们会优先处理。\n"+
		"1. 如遇诈骗或盗刷，请立即联系开户银行冻结账户，并保留交易截图；\n"+
		"2. 现在人工客服不在服务时间（每天 %s），我先帮您登记工单，工单会进入加急通道；\n"+
		"3. 也可拨打官方热线 %s。",
		b.hours.window(b.now()), b.contact("hotline"))
}

func (b *Bot) twoMissesText() string {
	return "抱歉，我还是没能理解您的问题。建议您：\n" +
		"1. 回复“人工”联系人工客服；\n" +
		"2. 回复“提交工单”留下问题，客服会在4小时内回复；\n" +
		"3. 回复“菜单”浏览自助服务。"
}
