package main

import (
	"errors"
	"testing"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/handlers/wechat/wechatfake"
)

// TestMessengerOutsideWindow checks the adapter the bot gets: the errcodes that mean "not
// now" are bot.ErrOutsideWindow, on which the bot keeps an agent's reply pending, and WeChat's
// *APIError stays reachable.
func TestMessengerOutsideWindow(t *testing.T) {
	t.Parallel()
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	m := messenger{wechat.NewClient(wechat.ClientOptions{AppID: fake.AppID, AppSecret: fake.AppSecret, BaseURL: fake.URL, Cache: &memoryTokenCache{}})}
	tests := []struct {
		code    int
		outside bool
	}{
		{45015, true},
		{45047, true},
		{43004, true},
		{48001, false},
		{45008, false},
	}
	for _, tt := range tests {
		fake.FailFor("oUser", tt.code)
		err := m.SendText(t.Context(), "oUser", "您好")
		if got := errors.Is(err, bot.ErrOutsideWindow); got != tt.outside {
			t.Errorf("errcode %d: SendText = %v; errors.Is(err, bot.ErrOutsideWindow) = %v, want %v", tt.code, err, got, tt.outside)
		}
		var ae *wechat.APIError
		if !errors.As(err, &ae) || ae.Code != tt.code {
			t.Errorf("errcode %d: SendText = %v, want an *wechat.APIError with that code", tt.code, err)
		}
	}
	fake.FailFor("oUser", 0)
	if err := m.SendText(t.Context(), "oUser", "您好"); err != nil {
		t.Errorf("SendText after FailFor(oUser, 0) = %v", err)
	}
}
