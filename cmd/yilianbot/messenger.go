package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// newMessenger returns the WeChat API client that delivers agents' replies, or nil (replies
// wait for the user's next message) when the AppID or AppSecret is not configured. Its calls
// are counted in m, which exists either way so that the series do.
func newMessenger(cfg config.Config, rdb redis.UniversalClient, log *slog.Logger, m *wechat.Metrics) bot.Messenger {
	if cfg.WeChat.AppID == "" || cfg.WeChat.AppSecret == "" {
		log.Warn("WECHAT_APP_ID or WECHAT_APP_SECRET is not set: agents' replies are shown when the user next writes, not pushed")
		return nil
	}
	return messenger{wechat.NewClient(wechat.ClientOptions{
		AppID:     cfg.WeChat.AppID,
		AppSecret: cfg.WeChat.AppSecret.Reveal(),
		BaseURL:   cfg.WeChat.APIBase,
		Cache:     bot.NewTokenCache(rdb, cfg.RedisPrefix),
		Logger:    log,
		Metrics:   m,
	})}
}

// messenger is the WeChat client as the bot sees it: WeChat's ErrOutsideWindow is also
// bot.ErrOutsideWindow, on which the bot keeps the message for the user's next visit.
type messenger struct{ c *wechat.Client }

var _ bot.Messenger = messenger{}

func (m messenger) SendText(ctx context.Context, openID, text string) error {
	return outsideWindow(m.c.SendText(ctx, openID, text))
}

func (m messenger) SendTemplate(ctx context.Context, openID, templateID string, fields map[string]string) error {
	return outsideWindow(m.c.SendTemplate(ctx, openID, templateID, fields))
}

// outsideWindow adds bot.ErrOutsideWindow to an error that wraps wechat.ErrOutsideWindow.
func outsideWindow(err error) error {
	if errors.Is(err, wechat.ErrOutsideWindow) {
		return fmt.Errorf("%w: %w", err, bot.ErrOutsideWindow)
	}
	return err
}
