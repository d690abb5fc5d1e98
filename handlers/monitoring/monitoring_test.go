// Package monitoring holds yilianbot's Prometheus alert rules (alerts.yaml) and Grafana
// dashboard (dashboard.json); this test keeps them parseable and their metric names real.
package monitoring

import (
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// exported are the metrics yilianbot serves on /metrics today: its own, and those of the Go
// and process collectors that cmd/yilianbot registers. histogram lists the histograms among
// them, whose series carry _bucket, _sum and _count.
var (
	exported = []string{
		"yilianbot_callbacks_total",          // {type, outcome}
		"yilianbot_callbacks_rejected_total", // {reason}
		"yilianbot_reply_duration_seconds",   // histogram
		"yilianbot_degraded_replies_total",
		"yilianbot_dedupe_hits_total",
		"yilianbot_faq_decisions_total",          // {decision}
		"yilianbot_tickets_open",                 // gauge {priority}: open and processing tickets
		"yilianbot_tickets_overdue",              // gauge {priority}: unresolved tickets past due
		"yilianbot_wechat_api_calls_total",       // {endpoint, errcode}; errcode "0" on success
		"yilianbot_wechat_token_refreshes_total", // {outcome}: ok, error
		"yilianbot_knowledge_reloads_total",      // {outcome}: succeeded, failed
		"go_goroutines",
		"process_resident_memory_bytes",
		"process_start_time_seconds",
	}
	histogram = []string{"yilianbot_reply_duration_seconds"}
)

// future are metrics the rules and the dashboard use before the bot exports them; a later
// change adds them under exactly these names and labels. None today.
var future = []string{}

// prometheusOwn are series Prometheus makes itself while scraping.
var prometheusOwn = []string{"up"}

var promql = parser.NewParser(parser.Options{})

// metricNames returns the metric names an expression selects.
func metricNames(t *testing.T, expr string) []string {
	t.Helper()
	e, err := promql.ParseExpr(expr)
	if err != nil {
		t.Errorf("%q: %v", expr, err)
		return nil
	}
	var names []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			name := vs.Name
			for _, m := range vs.LabelMatchers {
				if m.Name == model.MetricNameLabel {
					name = m.Value
				}
			}
			names = append(names, name)
		}
		return nil
	})
	return names
}

// checkName reports a name that is neither exported, future nor Prometheus' own.
func checkName(t *testing.T, where, name string) {
	t.Helper()
	base := name
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if b, ok := strings.CutSuffix(name, suffix); ok && slices.Contains(histogram, b) {
			base = b
		}
	}
	if base == name && slices.Contains(histogram, name) {
		t.Errorf("%s: %s is a histogram; select %s_bucket, _sum or _count", where, name, name)
		return
	}
	if !slices.Contains(exported, base) && !slices.Contains(future, base) && !slices.Contains(prometheusOwn, base) {
		t.Errorf("%s: metric %s is neither exported by yilianbot nor listed as future in monitoring_test.go", where, name)
	}
}

// TestAlertRules parses alerts.yaml with Prometheus' own rule parser, which also parses every
// expression and checks labels and annotation templates, then checks what an on-call person
// relies on: a severity, a summary and a description, and real metric names.
func TestAlertRules(t *testing.T) {
	t.Parallel()
	groups, errs := rulefmt.ParseFile("alerts.yaml", false, model.LegacyValidation, promql, slog.New(slog.DiscardHandler))
	for _, err := range errs {
		t.Error(err)
	}
	if groups == nil {
		t.Fatal("alerts.yaml: no rule groups")
	}
	seen := map[string]bool{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			where := g.Name + "/" + r.Alert
			if r.Alert == "" {
				t.Errorf("%s: a recording rule (%s); this file holds alerts only", g.Name, r.Record)
				continue
			}
			if seen[r.Alert] {
				t.Errorf("%s: alert name used twice", where)
			}
			seen[r.Alert] = true
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				t.Errorf("%s: severity %q, want critical or warning", where, s)
			}
			for _, a := range []string{"summary", "description"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("%s: no %s annotation", where, a)
				}
			}
			names := metricNames(t, r.Expr)
			if len(names) == 0 {
				t.Errorf("%s: selects no metric", where)
			}
			for _, n := range names {
				checkName(t, where, n)
			}
		}
	}
	// The list: every one of these has a rule.
	for _, want := range []string{
		"YilianbotCallbackErrors", "YilianbotReplyLatencyNearWindow", "YilianbotDegradedReplies",
		"YilianbotCallbacksRejected", "YilianbotUrgentTicketOverdue", "YilianbotWeChatAPIErrors",
		"YilianbotWeChatTokenRefreshFailing", "YilianbotKBReloadFailed", "YilianbotDown",
	} {
		if !seen[want] {
			t.Errorf("alerts.yaml has no %s", want)
		}
	}
}

// TestDashboard parses every query of dashboard.json with the PromQL parser (Grafana's
// variables replaced by values) and checks its metric names.
func TestDashboard(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		UID    string  `json:"uid"`
		Title  string  `json:"title"`
		Panels []panel `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dashboard.json: %v", err)
	}
	if d.UID == "" || d.Title == "" {
		t.Error("dashboard.json: no uid or title")
	}
	grafana := strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$job", "yilianbot")
	ids := map[int]bool{}
	var queries int
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("panel id %d used twice", p.ID)
			}
			ids[p.ID] = true
			if p.Title == "" {
				t.Errorf("panel %d has no title", p.ID)
			}
			if p.Type != "row" && len(p.Targets) == 0 {
				t.Errorf("panel %q has no query", p.Title)
			}
			for _, tg := range p.Targets {
				queries++
				for _, n := range metricNames(t, grafana.Replace(tg.Expr)) {
					checkName(t, "dashboard panel "+p.Title, n)
				}
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	if queries == 0 {
		t.Error("dashboard.json has no queries")
	}
}

type panel struct {
	ID      int    `json:"id"`
	Type    string `json:"type"`
	Title   string `json:"title"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row's
}

// TestExportedNames keeps the exported list true: each yilianbot_ name in it is registered by
// the code. A future name that the code now registers is reported, to be moved.
func TestExportedNames(t *testing.T) {
	t.Parallel()
	registered := map[string]bool{}
	// Name: in the options of a metric, or the first argument of NewDesc for a collector's.
	nameRE := regexp.MustCompile(`(?:Name:\s*|NewDesc\()"(yilianbot_[a-z_]+)"`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range nameRE.FindAllStringSubmatch(string(src), -1) {
			registered[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range exported {
		if strings.HasPrefix(n, "yilianbot_") && !registered[n] {
			t.Errorf("%s is listed as exported but no code registers it", n)
		}
	}
	for _, n := range future {
		if registered[n] {
			t.Logf("%s is registered by the code now: move it from future to exported", n)
		}
	}
}
