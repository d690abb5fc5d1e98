package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

const chatHelp = `输入消息和机器人对话；命令：
  /sub        模拟关注公众号
  /unsub      模拟取消关注
  /click KEY  模拟点击菜单（例如 /click handoff）
  /user NAME  切换用户
  /quit       退出`

// chat runs the bot in-process and sends every typed line through the real webhook path as a
// signed (and, with an AES key, encrypted) callback.
func chat(ctx context.Context, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	// Logs would interleave with the conversation: only warnings and errors, to stderr.
	cfg.LogLevel = slog.LevelWarn
	log := newLogger(cfg, stderr)
	adoptLogger(log)
	a, err := newApp(ctx, cfg, log, stderr)
	if err != nil {
		return err
	}
	defer a.Close()

	sim := wechat.NewSimulator(wechat.Settings{
		AppID:          cfg.WeChat.AppID,
		Token:          cfg.WeChat.Token.Reveal(),
		EncodingAESKey: cfg.WeChat.EncodingAESKey.Reveal(),
	})
	user := "o_chat_user"
	send := func(plain []byte) error {
		req, err := sim.Request("http://chat/wechat", plain, time.Now())
		if err != nil {
			return err
		}
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, req.WithContext(ctx))
		if rec.Code != 200 {
			return fmt.Errorf("webhook answered HTTP %d: %s", rec.Code, strings.TrimSpace(rec.Body.String()))
		}
		r, err := sim.Open(rec.Body.Bytes())
		if err != nil {
			return err
		}
		switch {
		case r.Success:
			fmt.Fprintln(stdout, "（无回复：success）")
		case r.MsgType == "transfer_customer_service":
			fmt.Fprintln(stdout, "（已转接人工客服：transfer_customer_service）")
		default:
			fmt.Fprintln(stdout, r.Content)
		}
		return nil
	}

	fmt.Fprintln(stdout, chatHelp)
	fmt.Fprintf(stdout, "\n当前用户：%s\n", user)
	sc := bufio.NewScanner(stdin)
	for {
		fmt.Fprintf(stdout, "\n%s> ", user)
		if !sc.Scan() {
			fmt.Fprintln(stdout)
			return sc.Err()
		}
		line := strings.TrimSpace(sc.Text())
		var err error
		switch {
		case line == "":
			continue
		case line == "/quit" || line == "/exit":
			return nil
		case line == "/sub":
			err = send(sim.EventXML(user, "subscribe", "", time.Now()))
		case line == "/unsub":
			err = send(sim.EventXML(user, "unsubscribe", "", time.Now()))
		case strings.HasPrefix(line, "/click "):
			err = send(sim.EventXML(user, "CLICK", strings.TrimSpace(strings.TrimPrefix(line, "/click ")), time.Now()))
		case strings.HasPrefix(line, "/user"):
			name := strings.TrimSpace(strings.TrimPrefix(line, "/user"))
			if name == "" {
				fmt.Fprintln(stdout, "用法：/user NAME")
				continue
			}
			user = "o_chat_" + name
			fmt.Fprintf(stdout, "已切换到用户 %s\n", user)
		case strings.HasPrefix(line, "/"):
			fmt.Fprintln(stdout, chatHelp)
		default:
			err = send(sim.TextXML(user, line, sim.NextMsgID(), time.Now()))
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			fmt.Fprintln(stdout, "错误：", err)
		}
	}
}
