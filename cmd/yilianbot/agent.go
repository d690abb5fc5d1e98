package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/config"
)

const agentUsage = `usage: yilianbot agent COMMAND

commands:
  add NAME [--role admin|agent]   add an agent (role agent by default)
  list                            list the agents
  disable NAME                    disable an agent: its sessions end, its API tokens are revoked
  passwd NAME                     set an agent's password; its sessions end
  token NAME [--label TEXT]       make an API token for the agent's scripts; printed once

add and passwd read the password from the first line of stdin (echo "$PW" | yilianbot agent
add NAME); when stdin is a terminal or empty they generate one and print it once.
A password has 10 to 128 characters. NAME is 2-32 of a-z, 0-9, _ . and -.

Needs REDIS_URL (and REDIS_PREFIX when set for the server).`

// runAgent manages the desk's agents from the command line: the first admin is created here.
func runAgent(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("agent: missing command\n%s", agentUsage)
	}
	cmd, args := args[0], args[1:]
	if cmd == "-h" || cmd == "--help" || cmd == "help" {
		fmt.Fprintln(stdout, agentUsage)
		return nil
	}
	fs := flag.NewFlagSet("agent "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	role := fs.String("role", string(bot.RoleAgent), "admin or agent")
	label := fs.String("label", "", "what the token is for")
	// Flags may follow the name: "agent add wang --role admin".
	var names []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintln(stdout, agentUsage)
				return nil
			}
			return fmt.Errorf("agent %s: %w\n%s", cmd, err, agentUsage)
		}
		if fs.NArg() == 0 {
			break
		}
		names, args = append(names, fs.Arg(0)), fs.Args()[1:]
	}
	need := map[string]int{"add": 1, "list": 0, "disable": 1, "passwd": 1, "token": 1}
	n, ok := need[cmd]
	if !ok {
		return fmt.Errorf("agent: unknown command %q\n%s", cmd, agentUsage)
	}
	if len(names) != n {
		return fmt.Errorf("agent %s: want %d name(s), got %d\n%s", cmd, n, len(names), agentUsage)
	}

	// Agents live in the server's Redis: that is all the command needs.
	cfg, err := config.LoadFor(getenv, config.NeedRedis)
	if err != nil {
		return err
	}
	rdb, err := connectRedis(ctx, cfg.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	b := bot.New(nil, bot.Options{Redis: rdb, Prefix: cfg.RedisPrefix, Hours: botHours(cfg.File.ServiceHours)})

	switch cmd {
	case "add":
		pw, generated, err := readPassword(stdin)
		if err != nil {
			return err
		}
		a, err := b.AddAgent(ctx, names[0], bot.Role(*role), pw)
		if err != nil {
			return fmt.Errorf("agent add: %s", bot.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", a.Name, a.Role)
		if generated {
			fmt.Fprintf(stdout, "password: %s\n(shown once; the agent can change it with yilianbot agent passwd)\n", pw)
		}
	case "list":
		as, err := b.Agents(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tCREATED")
		for _, a := range as {
			state := "active"
			if a.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, a.Role, state, a.CreatedAt.Format(time.DateOnly))
		}
		return tw.Flush()
	case "disable":
		// The command line is trusted like an admin: whoever runs it can read Redis anyway.
		if err := b.DisableAgent(ctx, bot.Agent{Name: "cli", Role: bot.RoleAdmin}, names[0]); err != nil {
			return fmt.Errorf("agent disable: %s", bot.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "disabled %s\n", names[0])
	case "passwd":
		pw, generated, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if err := b.SetPassword(ctx, names[0], pw); err != nil {
			return fmt.Errorf("agent passwd: %s", bot.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "password of %s changed; its sessions ended\n", names[0])
		if generated {
			fmt.Fprintf(stdout, "password: %s\n(shown once)\n", pw)
		}
	case "token":
		as, err := b.Agents(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(as, func(a bot.Agent) bool { return a.Name == names[0] })
		if i < 0 || as[i].Disabled {
			return fmt.Errorf("agent token: no active agent %s", names[0])
		}
		token, t, err := b.CreateAPIToken(ctx, as[i], *label)
		if err != nil {
			return fmt.Errorf("agent token: %s", bot.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "token %s of %s: %s\n(shown once; revoke it on the desk's token page or DELETE /api/v1/tokens/%s)\n", t.ID, names[0], token, t.ID)
	}
	return nil
}

// readPassword reads the first line of stdin. A terminal (which would echo it) or an empty
// stdin gets a generated password instead.
func readPassword(stdin io.Reader) (pw string, generated bool, err error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return rand.Text(), true, nil
		}
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	if pw = strings.TrimRight(line, "\r\n"); pw == "" {
		return rand.Text(), true, nil
	}
	return pw, false, nil
}
