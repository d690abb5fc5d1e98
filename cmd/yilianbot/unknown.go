package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/config"
)

// kbUnknown prints the questions the bot most often could not answer.
func kbUnknown(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("kb unknown", flag.ContinueOnError)
	fl.SetOutput(stderr)
	days := fl.Int("days", 7, "look back this many days")
	n := fl.Int("n", 30, "show this many questions")
	if err := fl.Parse(args); err != nil {
		return err
	}
	adoptLogger(newLogger(cfg, stderr))
	rdb, err := connectRedis(ctx, cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	qs, err := bot.TopUnknown(ctx, rdb, cfg.RedisPrefix, cfg.File.ServiceHours.Location, time.Now(), *days, *n)
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		fmt.Fprintf(stdout, "no unanswered questions in the last %d days\n", *days)
		return nil
	}
	for _, q := range qs {
		fmt.Fprintf(stdout, "%5d  %s\n", q.Count, q.Text)
	}
	return nil
}
