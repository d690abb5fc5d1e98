// Package kbtest gives other packages' tests the shipped knowledge base, indexed.
package kbtest

import (
	"testing"

	"github.com/yilianpay/yilianbot/kb"
)

// Vars fills every template variable of the shipped content with the default contact values (config's defaults).
var Vars = kb.Variables{
	"hotline": "400-800-9000", "hotline_menu": "按1商户服务，按2技术支持，按3投诉建议，按0人工导引",
	"emergency_line": "010-88888888", "service_email": "service@yeepay.com", "complaint_email": "complaint@yeepay.com",
	"service_hours": "每天 08:00-22:00", "peak_hours": "双十一、春节等高峰期延长至次日 01:00",
	"cross_border_hours": "09:00-18:00", "account_name": "易联支付",
}

// Index builds the shipped knowledge base with the default thresholds; it is closed when the
// test ends. Building takes a moment: share one index between a test's subtests (an Index is
// safe for concurrent use).
func Index(tb testing.TB) *kb.Index {
	tb.Helper()
	c, err := kb.Load(kb.EmbeddedFS(), Vars)
	if err != nil {
		tb.Fatalf("kb.Load: %v", err)
	}
	ix, err := kb.Build(c, kb.DefaultThresholds)
	if err != nil {
		tb.Fatalf("kb.Build: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}
