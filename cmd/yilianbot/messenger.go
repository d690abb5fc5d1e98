package main

import (
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/handlers"
)

// newMessenger returns the WeChat API client that delivers agents' replies, or nil (replies
// wait for the user's next message) when the AppID or AppSecret is not configured.
func newMessenger(cfg config.Config, rdb redis.UniversalClient, log *slog.Logger) bot.Messenger {
	if cfg.WeChat.AppID == "" || cfg.WeChat.AppSecret == "" {
		log.Warn("WECHAT_APP_ID or WECHAT_APP_SECRET is not set: agents' replies are shown when the user next writes, not pushed")
		return nil
	}
	return handlers.NewWeChatAPI(handlers.APIOptions{
		AppID:     cfg.WeChat.AppID,
		AppSecret: cfg.WeChat.AppSecret.Reveal(),
		BaseURL:   cfg.WeChat.APIBase,
		Cache:     bot.NewTokenCache(rdb, cfg.RedisPrefix),
		Logger:    log,
	})
}
