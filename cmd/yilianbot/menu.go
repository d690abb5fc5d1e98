package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/kb"
)

// runMenu implements `yilianbot menu show|push`: show prints the JSON that push sends to
// WeChat's menu/create. Only push needs credentials: WECHAT_APP_ID and WECHAT_APP_SECRET.
func runMenu(ctx context.Context, cmd string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if err := noArgs("menu "+cmd, args); err != nil {
		return err
	}
	need := config.Need(0)
	if cmd == "push" {
		need = config.NeedWeChatAPI
	}
	cfg, err := config.LoadFor(getenv, need)
	if err != nil {
		return err
	}
	content, err := kb.Load(contentFS(cfg), cfg.File.Variables())
	if err != nil {
		return fmt.Errorf("knowledge base: %w", err)
	}
	buttons, warnings, err := menuButtons(cfg.File.Menu, content)
	for _, w := range warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if err != nil {
		return err
	}

	if cmd == "show" {
		b, err := json.MarshalIndent(struct {
			Button []*wechat.Button `json:"button"`
		}{buttons}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	api := wechat.NewClient(wechat.ClientOptions{
		AppID:     cfg.WeChat.AppID,
		AppSecret: cfg.WeChat.AppSecret.Reveal(),
		BaseURL:   cfg.WeChat.APIBase,
		Cache:     &memoryTokenCache{},
		Logger:    newLogger(cfg, stderr),
	})
	if err := api.CreateMenu(ctx, buttons); err != nil {
		return fmt.Errorf("menu push: %w", err)
	}
	var names []string
	for _, b := range buttons {
		names = append(names, fmt.Sprintf("%s (%d)", b.Name, len(b.SubButtons)))
	}
	fmt.Fprintf(stdout, "menu pushed: %s\nWeChat clients refresh it within about 5 minutes; unfollow and follow again to see it at once.\n", strings.Join(names, ", "))
	return nil
}

// menuButtons turns the configured menu into WeChat buttons. Items that are category slugs
// become click buttons named after the category with the key "cat:<slug>"; "handoff",
// "my_tickets" and "menu" are the dialogue's other click keys. Every violation of WeChat's
// limits is reported in the one error; warnings are for things that work but look unintended.
func menuButtons(groups []config.MenuGroup, c *kb.Content) (buttons []*wechat.Button, warnings []string, err error) {
	var errs []string
	if len(groups) < 1 || len(groups) > wechat.MaxMenuButtons {
		errs = append(errs, fmt.Sprintf("menu: has %d top-level buttons; WeChat allows 1 to %d", len(groups), wechat.MaxMenuButtons))
	}
	used := make(map[string]string) // key → the group that has it
	for i, g := range groups {
		where := fmt.Sprintf("menu[%d] %q", i, g.Name)
		if g.Name == "" || len(g.Name) > wechat.MaxButtonNameBytes {
			errs = append(errs, fmt.Sprintf("%s: the name is %d bytes; WeChat allows 1 to %d (5 Chinese characters)", where, len(g.Name), wechat.MaxButtonNameBytes))
		}
		useKey := func(key string) {
			if len(key) > wechat.MaxMenuKeyBytes {
				errs = append(errs, fmt.Sprintf("%s: key %q is %d bytes; WeChat allows at most %d", where, key, len(key), wechat.MaxMenuKeyBytes))
			}
			if prev, ok := used[key]; ok {
				errs = append(errs, fmt.Sprintf("%s: key %q is already used in %s", where, key, prev))
			}
			used[key] = where
		}
		if len(g.Items) == 0 {
			if g.Key == "" {
				errs = append(errs, fmt.Sprintf("%s: needs items or a key", where))
				continue
			}
			useKey(g.Key)
			buttons = append(buttons, wechat.NewClickButton(g.Name, g.Key))
			continue
		}
		if g.Key != "" {
			warnings = append(warnings, fmt.Sprintf("%s: key %q is ignored: a button with sub-buttons sends no click", where, g.Key))
		}
		if len(g.Items) > wechat.MaxSubButtons {
			errs = append(errs, fmt.Sprintf("%s: has %d items; WeChat allows at most %d sub-buttons", where, len(g.Items), wechat.MaxSubButtons))
		}
		subs := make([]*wechat.Button, 0, len(g.Items))
		for _, item := range g.Items {
			name, key, ok := menuItem(item, c)
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: item %q is neither a knowledge-base category nor one of %s, %s, %s",
					where, item, bot.KeyHandoff, bot.KeyMyTickets, bot.KeyMenu))
				continue
			}
			useKey(key)
			subs = append(subs, wechat.NewClickButton(name, key))
		}
		buttons = append(buttons, wechat.NewSubButton(g.Name, subs))
	}
	if len(errs) > 0 {
		return nil, warnings, errors.New("invalid menu:\n  " + strings.Join(errs, "\n  "))
	}
	return buttons, warnings, nil
}

// menuItem returns the sub-button name and click key of a configured menu item.
func menuItem(item string, c *kb.Content) (name, key string, ok bool) {
	switch item {
	case bot.KeyHandoff:
		return "人工客服", bot.KeyHandoff, true
	case bot.KeyMyTickets:
		return "我的工单", bot.KeyMyTickets, true
	case bot.KeyMenu:
		return "自助服务", bot.KeyMenu, true
	}
	cat, ok := c.Category(item)
	if !ok {
		return "", "", false
	}
	return shortName(cat.Name, wechat.MaxSubButtonNameBytes), bot.KeyCategory + cat.Slug, true
}

// shortName fits a category name into n bytes: the part before the first 与 or 、 when that
// fits ("风控、限额与资金冻结" → "风控"), else as many whole characters as fit.
func shortName(name string, n int) string {
	if len(name) <= n {
		return name
	}
	if i := strings.IndexAny(name, "与、"); i > 0 && i <= n {
		return name[:i]
	}
	for n > 0 && !utf8.RuneStart(name[n]) {
		n--
	}
	return name[:n]
}

// memoryTokenCache is the wechat.TokenCache of one-off commands, which share the token with no one.
type memoryTokenCache struct {
	mu      sync.Mutex
	value   map[string]string
	expires map[string]time.Time
}

func (c *memoryTokenCache) Get(_ context.Context, key string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Now().After(c.expires[key]) {
		return "", nil
	}
	return c.value[key], nil
}

func (c *memoryTokenCache) Set(_ context.Context, key, value string, ttl time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.value == nil {
		c.value, c.expires = make(map[string]string), make(map[string]time.Time)
	}
	c.value[key], c.expires[key] = value, time.Now().Add(ttl)
	return nil
}

func (c *memoryTokenCache) Delete(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.value, key)
	delete(c.expires, key)
	return nil
}
