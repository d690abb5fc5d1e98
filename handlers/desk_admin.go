package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/yilianpay/yilianbot/bot"
)

type metricRow struct {
	Label, Today, Week string
}

type categoryRow struct {
	Name                         string
	Answered, Suggested, Tickets int
	Bar                          string
}

type unknownRow struct {
	Text  string
	Count int
	Bar   string
}

type priorityCount struct {
	Label         string
	Urgent        bool
	Open, Overdue int
}

type dashboardView struct {
	Metrics    []metricRow
	Categories []categoryRow
	Unknown    []unknownRow
	Queue      []priorityCount
	Generated  string
}

func durationOrDash(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return shortDuration(d)
}

func pctOrDash(f float64, n int) string {
	if n == 0 {
		return "—"
	}
	return fmtFloat(f*100, 0) + "%"
}

func csatText(p bot.Period) string {
	if p.CSATCount == 0 {
		return "—"
	}
	return fmtFloat(p.CSATAverage, 1) + " 分（" + itoa(p.CSATCount) + " 个评分）"
}

func itoa(n int) string { return fmtFloat(float64(n), 0) }

// handleDashboard handles "GET /desk/dashboard".
func (d *desk) handleDashboard() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := d.opts.Now()
		db, err := d.svc.Dashboard(r.Context(), now)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		t, k := db.Today, db.Week
		v := dashboardView{Generated: d.fmtTime(now)}
		v.Metrics = []metricRow{
			{"用户消息", itoa(t.Messages), itoa(k.Messages)},
			{"直接解答", itoa(t.Answered), itoa(k.Answered)},
			{"推荐问题", itoa(t.Suggested), itoa(k.Suggested)},
			{"未能理解", itoa(t.NotUnderstood), itoa(k.NotUnderstood)},
			{"转人工", itoa(t.Handoffs), itoa(k.Handoffs)},
			{"新建工单", itoa(t.TicketsCreated), itoa(k.TicketsCreated)},
			{"已解决工单", itoa(t.TicketsResolved), itoa(k.TicketsResolved)},
			{"首次响应中位数", durationOrDash(t.MedianFirstResponse), durationOrDash(k.MedianFirstResponse)},
			{"SLA 达成率", pctOrDash(t.SLAMet, t.TicketsResolved), pctOrDash(k.SLAMet, k.TicketsResolved)},
			{"满意度", csatText(t), csatText(k)},
		}
		most := 0
		for _, c := range db.PerCategory {
			most = max(most, c.Answered+c.Suggested+c.Tickets)
		}
		for _, c := range db.PerCategory {
			name := c.Name
			if name == "" {
				name = c.Slug
			}
			v.Categories = append(v.Categories, categoryRow{name, c.Answered, c.Suggested, c.Tickets, barWidth(c.Answered+c.Suggested+c.Tickets, most)})
		}
		most = 0
		for _, q := range db.TopUnknown {
			most = max(most, q.Count)
		}
		for _, q := range db.TopUnknown {
			v.Unknown = append(v.Unknown, unknownRow{q.Text, q.Count, barWidth(q.Count, most)})
		}
		for _, p := range []bot.Priority{bot.PriorityUrgent, bot.PriorityNormal} {
			v.Queue = append(v.Queue, priorityCount{priorityLabel(p), p == bot.PriorityUrgent, db.Open[p], db.Overdue[p]})
		}
		d.render(w, r, http.StatusOK, "dashboard", view{Title: "数据看板", Nav: "dashboard", Data: v})
	})
}

type agentsView struct {
	Agents []bot.Agent
	Me     string
	Name   string // kept after a refused add
	Role   bot.Role
}

func (d *desk) agentsPage(w http.ResponseWriter, r *http.Request, status int, errMsg string, keep agentsView) {
	agents, err := d.svc.Agents(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	keep.Agents, keep.Me = agents, sessionFrom(r.Context()).Agent.Name
	d.render(w, r, status, "agents", view{Title: "客服账号", Nav: "agents", Error: errMsg, Flash: flashFrom(r), Data: keep})
}

// handleAgents handles "GET /desk/agents" (admins only).
func (d *desk) handleAgents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.agentsPage(w, r, http.StatusOK, "", agentsView{Role: bot.RoleAgent})
	})
}

// handleAddAgent handles "POST /desk/agents" (admins only).
func (d *desk) handleAddAgent() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSpace(r.PostFormValue("name"))
		role := bot.Role(r.PostFormValue("role"))
		if role != bot.RoleAdmin {
			role = bot.RoleAgent
		}
		if _, err := d.svc.AddAgent(r.Context(), name, role, r.PostFormValue("password")); err != nil {
			status, msg := d.failure(r.Context(), err)
			d.agentsPage(w, r, status, msg, agentsView{Name: name, Role: role})
			return
		}
		http.Redirect(w, r, "/desk/agents?done=agent_added", http.StatusSeeOther)
	})
}

// handleDisableAgent handles "POST /desk/agents/{name}/disable" (admins only).
func (d *desk) handleDisableAgent() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := d.svc.DisableAgent(r.Context(), sessionFrom(r.Context()).Agent, r.PathValue("name")); err != nil {
			status, msg := d.failure(r.Context(), err)
			d.agentsPage(w, r, status, msg, agentsView{Role: bot.RoleAgent})
			return
		}
		http.Redirect(w, r, "/desk/agents?done=disabled", http.StatusSeeOther)
	})
}

type tokensView struct {
	Tokens  []bot.APIToken
	New     string // the token just created, shown once
	NewName string
	Label   string
}

func (d *desk) tokensPage(w http.ResponseWriter, r *http.Request, status int, errMsg string, keep tokensView) {
	toks, err := d.svc.APITokens(r.Context(), sessionFrom(r.Context()).Agent)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	keep.Tokens = toks
	d.render(w, r, status, "tokens", view{Title: "我的账号", Nav: "tokens", Error: errMsg, Flash: flashFrom(r), Data: keep})
}

// handleTokens handles "GET /desk/tokens": the signed-in agent's API tokens.
func (d *desk) handleTokens() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.tokensPage(w, r, http.StatusOK, "", tokensView{})
	})
}

// handleCreateToken handles "POST /desk/tokens". The token is in this response only: it is not
// stored in clear and the page is not cached.
func (d *desk) handleCreateToken() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		label := strings.TrimSpace(r.PostFormValue("label"))
		tok, t, err := d.svc.CreateAPIToken(r.Context(), sessionFrom(r.Context()).Agent, label)
		if err != nil {
			status, msg := d.failure(r.Context(), err)
			d.tokensPage(w, r, status, msg, tokensView{Label: label})
			return
		}
		d.tokensPage(w, r, http.StatusCreated, "", tokensView{New: tok, NewName: t.Label})
	})
}

// handleChangePassword handles "POST /desk/password": the signed-in agent changes its own
// password. Success ends every session, this one too, and leads to the login page.
func (d *desk) handleChangePassword() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := sessionFrom(r.Context()).Agent
		current, next := r.PostFormValue("current"), r.PostFormValue("new")
		var err error
		if next != r.PostFormValue("confirm") {
			err = &bot.Error{Code: bot.CodeInvalid, Message: "两次输入的新密码不一致。"}
		} else {
			err = d.svc.ChangePassword(r.Context(), a, current, next, clientIP(r))
		}
		if err != nil {
			status, msg := d.failure(r.Context(), err)
			d.tokensPage(w, r, status, msg, tokensView{})
			return
		}
		d.clearCookie(w, r, deskCookie)
		http.Redirect(w, r, "/desk/login?done=password", http.StatusSeeOther)
	})
}

// handleRevokeToken handles "POST /desk/tokens/{id}/revoke".
func (d *desk) handleRevokeToken() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := d.svc.RevokeAPIToken(r.Context(), sessionFrom(r.Context()).Agent, r.PathValue("id")); err != nil {
			d.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/desk/tokens?done=revoked", http.StatusSeeOther)
	})
}

// auditLabels name the audit actions in Chinese; a ticket event shows its timeline name.
var auditLabels = map[string]string{
	bot.AuditLogin: "登录", bot.AuditLoginFailed: "登录失败", bot.AuditLoginLocked: "登录被锁定",
	bot.AuditLogout: "退出", bot.AuditLogoutAll: "退出全部登录", bot.AuditAgentAdded: "添加账号",
	bot.AuditAgentOff: "停用账号", bot.AuditPassword: "修改密码", bot.AuditTokenCreated: "创建 API 令牌",
	bot.AuditTokenRevoked:    "撤销 API 令牌",
	string(bot.EventReplied): "回复用户", string(bot.EventNote): "内部备注", string(bot.EventStatusChanged): "修改状态",
	string(bot.EventPriorityChanged): "修改优先级", string(bot.EventAssigned): "分配工单", string(bot.EventContactViewed): "查看完整联系电话",
}

type auditRow struct {
	bot.AuditEntry
	Label string
}

// handleAudit handles "GET /desk/audit" (admins only): the newest 200 entries of the audit
// trail — logins and failed logins, agent and token changes, and every action on a ticket.
func (d *desk) handleAudit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entries, err := d.svc.Audit(r.Context(), 200)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		rows := make([]auditRow, len(entries))
		for i, e := range entries {
			label := auditLabels[e.Action]
			if label == "" {
				label = e.Action
			}
			rows[i] = auditRow{e, label}
		}
		d.render(w, r, http.StatusOK, "audit", view{Title: "操作审计", Nav: "audit", Data: rows})
	})
}
