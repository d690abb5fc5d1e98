package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// proc is what a command gets from run besides its arguments.
type proc struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	hooks          hooks
}

// command is one entry of the command table. run prints its usage when -h or --help is among
// its arguments and does not call do: asking for help never reads the configuration, starts a
// server, dials Redis or opens a file.
type command struct {
	name    string // "kb search"; a name with subcommands ("kb") lists them in its usage
	args    string // synopsis after the name
	summary string // one line, for the overview and the top of the usage
	details string // optional further lines: arguments, flags, the variables the command needs
	do      func(ctx context.Context, p proc, args []string) error
}

// commands returns the command table. A new command is one more entry here.
func commands() []command {
	return []command{
		{
			name: "serve", summary: "run the WeChat webhook (HTTP_ADDR) and the desk, agent API and metrics (ADMIN_ADDR); the default command",
			details: "Needs WECHAT_TOKEN and ADMIN_TOKEN with REDIS_URL; without REDIS_URL it runs in development mode.\n" +
				"SIGINT/SIGTERM shut down gracefully; SIGHUP reloads the knowledge base.",
			do: func(ctx context.Context, p proc, args []string) error {
				if err := noArgs("serve", args); err != nil {
					return err
				}
				return serve(ctx, p.getenv, p.stderr, p.hooks)
			},
		},
		{
			name: "chat", summary: "talk to the bot in this terminal through the real webhook path",
			details: "Without REDIS_URL it uses an embedded Redis that keeps nothing. Type /quit to leave.",
			do: func(ctx context.Context, p proc, args []string) error {
				if err := noArgs("chat", args); err != nil {
					return err
				}
				return chat(ctx, p.getenv, p.stdin, p.stdout, p.stderr)
			},
		},
		{
			name: "agent", args: "add NAME [--role admin|agent] | list | disable NAME | passwd NAME | token NAME",
			summary: "manage the desk's agents (needs REDIS_URL)",
			details: strings.TrimPrefix(agentUsage, "usage: yilianbot agent COMMAND\n"),
			do: func(ctx context.Context, p proc, args []string) error {
				return runAgent(ctx, args, p.getenv, p.stdin, p.stdout)
			},
		},
		{name: "kb", args: "COMMAND", summary: "inspect and measure the knowledge base (KB_DIR, or the embedded content)"},
		{
			name: "kb search", args: "[--json] [QUERY...]", summary: "search the knowledge base",
			details: "With no QUERY, one query per line is read from standard input.\n" +
				"  --json  print one JSON object per query: query, decision, hits",
			do: kbCommand("search"),
		},
		{
			name: "kb check", summary: "validate the knowledge-base content and its eval.tsv",
			details: "Prints file:line: problems and exits non-zero on any.",
			do:      kbCommand("check"),
		},
		{
			name: "kb eval", args: "[FILE.tsv]", summary: "measure retrieval on rows of expected-slug<TAB>query",
			details: "FILE.tsv defaults to the knowledge base's own eval.tsv, the set that gates reloads.",
			do:      kbCommand("eval"),
		},
		{
			name: "kb unknown", args: "[-days N] [-n N]", summary: "list the most frequent questions the bot could not answer",
			details: "Needs REDIS_URL (and REDIS_PREFIX if the server sets it).\n" +
				"  -days N  look back N days (default 7)\n" +
				"  -n N     show N questions (default 30)",
			do: kbCommand("unknown"),
		},
		{name: "menu", args: "COMMAND", summary: "the official account's custom menu, from CONFIG_FILE"},
		{
			name: "menu show", summary: "print the menu JSON built from the configuration",
			do: func(ctx context.Context, p proc, args []string) error {
				return runMenu(ctx, "show", args, p.getenv, p.stdout, p.stderr)
			},
		},
		{
			name: "menu push", summary: "replace the official account's menu with it",
			details: "Needs WECHAT_APP_ID and WECHAT_APP_SECRET.",
			do: func(ctx context.Context, p proc, args []string) error {
				return runMenu(ctx, "push", args, p.getenv, p.stdout, p.stderr)
			},
		},
		{
			name: "healthcheck", summary: "exit 0 when the local server's /readyz answers 200 (for container healthchecks)",
			details: "Asks http://127.0.0.1:PORT/readyz, PORT from HTTP_ADDR (default 8080).",
			do: func(ctx context.Context, p proc, args []string) error {
				if err := noArgs("healthcheck", args); err != nil {
					return err
				}
				return healthcheck(ctx, p.getenv)
			},
		},
		{
			name: "help", args: "[COMMAND]", summary: "print the usage of yilianbot or of COMMAND",
			// do is set by dispatch, which has the table.
		},
	}
}

// isHelp reports whether an argument asks for help.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// dispatch finds the command args name (serve when they name none), prints its usage if any
// argument before "--" asks for help, and runs it otherwise.
func dispatch(ctx context.Context, p proc, args []string) error {
	cmds := commands()
	find := func(name string) (command, bool) {
		i := slices.IndexFunc(cmds, func(c command) bool { return c.name == name })
		if i < 0 {
			return command{}, false
		}
		return cmds[i], true
	}
	if len(args) == 0 {
		args = []string{"serve"}
	}
	if isHelp(args[0]) {
		fmt.Fprint(p.stdout, overview(cmds))
		return nil
	}
	c, ok := command{}, false
	if len(args) > 1 {
		if c, ok = find(args[0] + " " + args[1]); ok {
			args = args[1:]
		}
	}
	if !ok {
		if c, ok = find(args[0]); !ok {
			return fmt.Errorf("unknown command %q\n\n%s", args[0], overview(cmds))
		}
	}
	args = args[1:]
	for _, a := range args {
		if a == "--" {
			break
		}
		if isHelp(a) {
			fmt.Fprint(p.stdout, c.usage(cmds))
			return nil
		}
	}
	switch {
	case c.name == "help":
		if len(args) == 0 {
			fmt.Fprint(p.stdout, overview(cmds))
			return nil
		}
		h, ok := find(strings.Join(args, " "))
		if !ok {
			return fmt.Errorf("help: unknown command %q", strings.Join(args, " "))
		}
		fmt.Fprint(p.stdout, h.usage(cmds))
		return nil
	case c.do == nil: // a group: its subcommand is missing or unknown
		subs := c.subcommands(cmds)
		if len(args) == 0 {
			return fmt.Errorf("%s: missing command\n\n%s", c.name, c.usage(cmds))
		}
		return fmt.Errorf("%s: unknown command %q (want %s)", c.name, args[0], orList(subs))
	}
	return c.do(ctx, p, args)
}

// subcommands returns the last words of the commands under c ("search" for "kb search").
func (c command) subcommands(cmds []command) []string {
	var subs []string
	for _, s := range cmds {
		if sub, ok := strings.CutPrefix(s.name, c.name+" "); ok {
			subs = append(subs, sub)
		}
	}
	return subs
}

// usage is what `yilianbot NAME --help` prints.
func (c command) usage(cmds []command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: yilianbot %s\n\n%s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	if c.details != "" {
		fmt.Fprintf(&b, "\n%s\n", c.details)
	}
	if subs := c.subcommands(cmds); len(subs) > 0 {
		b.WriteString("\ncommands:\n")
		for _, s := range cmds {
			if strings.HasPrefix(s.name, c.name+" ") {
				fmt.Fprintf(&b, "  %-34s %s\n", strings.TrimSpace(s.name+" "+s.args), s.summary)
			}
		}
	}
	b.WriteString("\nConfiguration is read from the environment; see README.md.\n")
	return b.String()
}

// overview is what `yilianbot --help` prints: every command with its summary.
func overview(cmds []command) string {
	var b strings.Builder
	b.WriteString("usage: yilianbot [COMMAND] [-h | --help]\n\ncommands:\n")
	for _, c := range cmds {
		if c.do == nil && c.name != "help" {
			continue // a group; its commands are listed
		}
		fmt.Fprintf(&b, "  %-34s %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	b.WriteString("\n`yilianbot COMMAND --help` describes a command. Configuration is read from the\nenvironment; see README.md.\n")
	return b.String()
}

func noArgs(name string, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%s: unexpected argument %q (see yilianbot %s --help)", name, args[0], name)
	}
	return nil
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
