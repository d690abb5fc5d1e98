package bot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchReply answers one fresh message per iteration (its own user and words, so that neither
// the rate limit nor the search cache helps) on real Redis and the real index.
func benchReply(b *testing.B, text func(i int) string) {
	bot := newTestBot(b, mustIndex(b), at(10, 0), Options{})
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		m := bot.text(fmt.Sprintf("o-bench-%d", i), text(i))
		if _, err := bot.Reply(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReplyNormalMessage(b *testing.B) {
	benchReply(b, func(i int) string { return fmt.Sprintf("第%d笔结算款怎么还没到账", i) })
}

// BenchmarkReplyHugeMessage sends ~93 KB messages like the one that once took 11 CPU-seconds
// in retrieval: tens of thousands of varied characters with digits and a card number inside.
func BenchmarkReplyHugeMessage(b *testing.B) {
	const chars = "结算款到账退款对账单费率商户手续费发票提现冻结风控登录密码验证码订单交易失败成功查询客服工单投诉银行卡绑定解绑资金安全盗刷诈骗我的你们为什么怎么还没有一直"
	runes := []rune(chars)
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	for sb.Len() < 93<<10 {
		for range 20 {
			sb.WriteRune(runes[rng.IntN(len(runes))])
		}
		fmt.Fprintf(&sb, " %d ", rng.IntN(1e6))
		if rng.IntN(50) == 0 {
			sb.WriteString("卡号6222027110665803516 ")
		}
	}
	body := sb.String()
	benchReply(b, func(i int) string { return fmt.Sprintf("第%d笔", i) + body })
}

// BenchmarkRespond answers one fresh message per iteration without Redis: the dialogue's steps
// and retrieval only, so that their CPU cost is measured without the network's noise.
func BenchmarkRespond(b *testing.B) {
	bot := newTestBot(b, mustIndex(b), at(10, 0), Options{})
	ctx := context.Background()
	texts := []string{"第%d笔结算款怎么还没到账", "对账单在哪下载%d", "好的 谢谢%d", "我被骗了%d元怎么办", "退款%d天了还没到"}
	for i := 0; b.Loop(); i++ {
		m := bot.text("o-bench", fmt.Sprintf(texts[i%len(texts)], i))
		if _, err := bot.stateless(ctx, m, bot.clock.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
