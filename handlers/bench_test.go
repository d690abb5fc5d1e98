package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// BenchmarkWebhookText measures the full handler path for a text message: signature check,
// XML decode, dialogue with real Redis (de-duplication, session, transcript) and the real
// index, and the XML reply.
func BenchmarkWebhookText(b *testing.B) {
	rdb, prefix := redistest.New(b)
	now := time.Now()
	bt := bot.New(mustIndex(b), bot.Options{Redis: rdb, Prefix: prefix, RateLimit: 1 << 30, Contact: testContact})
	h := New(slog.New(slog.DiscardHandler), bt, Options{WeChat: plainWC})
	sim := wechat.NewSimulator(plainWC)
	queries := []string{"对账单在哪里下载", "钱怎么还没到账", "退款多久能到", "手续费怎么收的", "忘记后台登录密码了"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		body := sim.TextXML(fmt.Sprintf("o_bench_%d", i%1000), queries[i%len(queries)], sim.NextMsgID(), now)
		req, _ := sim.Request("http://bot/wechat", body, now)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req.WithContext(ctx))
		if rec.Code != 200 {
			b.Fatalf("HTTP %d", rec.Code)
		}
	}
}

// BenchmarkWebhookHugeText measures the same path for a 300,000-character text, encrypted as in
// safe mode: the body is read once, decrypted and parsed, and the dialogue gets MaxTextRunes.
func BenchmarkWebhookHugeText(b *testing.B) {
	rdb, prefix := redistest.New(b)
	now := time.Now()
	bt := bot.New(mustIndex(b), bot.Options{Redis: rdb, Prefix: prefix, RateLimit: 1 << 30, Contact: testContact})
	h := New(slog.New(slog.DiscardHandler), bt, Options{WeChat: aesWC})
	sim := wechat.NewSimulator(aesWC)
	huge := strings.Repeat("钱怎么还没到账？", 300_000/8)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		req, _ := sim.Request("http://bot/wechat", sim.TextXML(fmt.Sprintf("o_bench_%d", i%1000), huge, sim.NextMsgID(), now), now)
		b.StartTimer()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req.WithContext(ctx))
		if rec.Code != 200 {
			b.Fatalf("HTTP %d", rec.Code)
		}
	}
}
