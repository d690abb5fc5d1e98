package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The desk's people: agents with their own names and passwords, desk sessions, API tokens,
// login throttling. Roles: agents work tickets; admins also manage agents.

// Role is what an agent may do.
type Role string

// Roles.
const (
	RoleAdmin Role = "admin"
	RoleAgent Role = "agent"
)

// Valid reports whether r is one of the roles above.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleAgent }

// Agent is a person working the desk.
type Agent struct {
	Name      string    `json:"name"` // login name, [a-z0-9_.-]{2,32}
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Admin reports whether a may manage agents.
func (a Agent) Admin() bool { return a.Role == RoleAdmin && !a.Disabled }

// TokenAdmin is the built-in admin that ADMIN_TOKEN authenticates as: the bootstrap credential
// of the agent API. Its name cannot be taken by an agent.
var TokenAdmin = Agent{Name: "admin-token", Role: RoleAdmin}

// AgentNameRE is the form of an agent's login name.
var AgentNameRE = regexp.MustCompile(`^[a-z0-9_.-]{2,32}$`)

// Password rules: long enough to resist guessing within the lockout, short enough to hash.
const (
	MinPasswordLen = 10  // runes
	MaxPasswordLen = 128 // bytes
)

// Desk session lifetimes: idle (DESK_IDLE_TIMEOUT, Options.DeskIdleTimeout) and absolute.
const (
	defaultIdleTimeout = 30 * time.Minute
	sessionMaxAge      = 12 * time.Hour
)

// Session is an agent's login to the desk.
type Session struct {
	ID      string    // opaque, 32 random bytes base64url: the cookie value
	CSRF    string    // per-session token for forms ("csrf") and the X-CSRF-Token header
	Agent   Agent     //
	Expires time.Time // idle expiry, slides on use
}

// APIToken is a per-agent bearer token of the agent API, as listed (the token itself is shown
// once, when created, and stored only as its SHA-256).
type APIToken struct {
	ID        string     `json:"id"`
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	LastUsed  *time.Time `json:"last_used,omitempty"`
}

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is the SHA-256 under which a session id or API token is stored: they are 32
// random bytes, so a fast hash is enough (nobody can guess them), and a Redis dump reveals
// no usable credential.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func checkPasswordRules(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen || len(password) > MaxPasswordLen {
		return Errorf(CodeInvalid, "密码需为 %d 到 %d 个字符。", MinPasswordLen, MaxPasswordLen)
	}
	return nil
}

// AddAgent creates an agent. Errors: CodeInvalid for a bad name, role or password, CodeExists
// when the name is taken. The caller checks that whoever asks may (the CLI, or an admin).
func (b *Bot) AddAgent(ctx context.Context, name string, role Role, password string) (Agent, error) {
	if !AgentNameRE.MatchString(name) || name == TokenAdmin.Name {
		return Agent{}, Errorf(CodeInvalid, "登录名需为 2-32 位小写字母、数字或 _.-，且不能是 %s。", TokenAdmin.Name)
	}
	if !role.Valid() {
		return Agent{}, Errorf(CodeInvalid, "角色只能是 admin 或 agent。")
	}
	if err := checkPasswordRules(password); err != nil {
		return Agent{}, err
	}
	a := Agent{Name: name, Role: role, CreatedAt: b.now().UTC().Truncate(time.Second)}
	if err := b.st.addAgent(ctx, a, hashPassword(password)); err != nil {
		return Agent{}, err
	}
	b.log.InfoContext(ctx, "agent added", "agent", name, "role", string(role))
	if err := b.st.audit(ctx, AuditEntry{At: b.now(), Agent: name, Action: AuditAgentAdded, Detail: string(role)}); err != nil {
		b.log.WarnContext(ctx, "audit", "error", err)
	}
	return a, nil
}

// Agents lists the agents, oldest first.
func (b *Bot) Agents(ctx context.Context) ([]Agent, error) { return b.st.agentList(ctx) }

// DisableAgent disables an agent (by must be an admin): the agent's sessions end and its API
// tokens are revoked. An admin cannot disable itself.
func (b *Bot) DisableAgent(ctx context.Context, by Agent, name string) error {
	if !by.Admin() {
		return Errorf(CodeForbidden, "只有管理员可以停用客服。")
	}
	if by.Name == name {
		return Errorf(CodeInvalid, "不能停用自己的账号。")
	}
	if _, err := b.st.agent(ctx, name); errors.Is(err, errNoAgent) {
		return Errorf(CodeNotFound, "没有名为 %s 的客服。", name)
	} else if err != nil {
		return err
	}
	if err := b.st.setAgentField(ctx, name, "disabled", "1"); err != nil {
		return err
	}
	if err := b.st.deleteSessions(ctx, name); err != nil {
		return err
	}
	if _, err := b.st.revokeToken(ctx, name, ""); err != nil {
		return err
	}
	b.log.InfoContext(ctx, "agent disabled", "agent", name, "by", by.Name)
	return b.st.audit(ctx, AuditEntry{At: b.now(), Agent: by.Name, Action: AuditAgentOff, Detail: name})
}

// SetPassword sets an agent's password and ends its sessions.
func (b *Bot) SetPassword(ctx context.Context, name, password string) error {
	if err := checkPasswordRules(password); err != nil {
		return err
	}
	if _, err := b.st.agent(ctx, name); errors.Is(err, errNoAgent) {
		return Errorf(CodeNotFound, "没有名为 %s 的客服。", name)
	} else if err != nil {
		return err
	}
	if err := b.st.setAgentField(ctx, name, "password", hashPassword(password)); err != nil {
		return err
	}
	if err := b.st.deleteSessions(ctx, name); err != nil {
		return err
	}
	b.log.InfoContext(ctx, "agent password changed", "agent", name)
	return b.st.audit(ctx, AuditEntry{At: b.now(), Agent: name, Action: AuditPassword})
}

// ChangePassword sets a's password to next after checking current, the way an agent changes
// its own password in the desk. A wrong current password counts as a failed login (the same
// lockout, so the form is no way around it) and fails with CodeInvalid; a locked account fails
// with CodeLocked. On success every session of a ends, the caller's included.
func (b *Bot) ChangePassword(ctx context.Context, a Agent, current, next, clientIP string) error {
	if err := checkPasswordRules(next); err != nil {
		return err
	}
	if next == current {
		return Errorf(CodeInvalid, "新密码不能与当前密码相同。")
	}
	wait, err := b.st.loginLocked(ctx, a.Name, clientIP)
	if err != nil {
		return err
	}
	if wait > 0 {
		mins := int((wait + time.Minute - 1) / time.Minute)
		return Errorf(CodeLocked, "尝试次数过多，请 %d 分钟后再试。", mins)
	}
	rec, err := b.st.agent(ctx, a.Name)
	if errors.Is(err, errNoAgent) || (err == nil && rec.Disabled) {
		return errNoSession
	} else if err != nil {
		return err
	}
	if !checkPassword(rec.hash, current) {
		if _, err := b.st.loginFailed(ctx, a.Name, clientIP); err != nil {
			return err
		}
		b.log.WarnContext(ctx, "agent password change refused: wrong current password", "agent", a.Name, "client", clientIP)
		b.auditLog(ctx, AuditEntry{At: b.now(), Agent: a.Name, Action: AuditLoginFailed, ClientIP: clientIP, Detail: "change password"})
		return Errorf(CodeInvalid, "当前密码不正确。")
	}
	b.st.loginSucceeded(ctx, a.Name)
	return b.SetPassword(ctx, a.Name, next)
}

// errBadLogin is the one answer to a wrong name, a wrong password and a disabled agent.
var errBadLogin = &Error{Code: CodeBadLogin, Message: "用户名或密码错误。"}

// Login checks an agent's name and password and opens a desk session. Failures are throttled
// per account (5 within 15 minutes lock it for 15 minutes) and per client address (20); a
// locked login fails with CodeLocked whatever the password, so the lock tells a guesser
// nothing. Every attempt is audited.
func (b *Bot) Login(ctx context.Context, name, password, clientIP string) (Session, error) {
	now := b.now()
	name = strings.ToLower(strings.TrimSpace(name))
	logName := name // what the audit and logs show of a name that is no agent's
	if !AgentNameRE.MatchString(name) {
		logName = "(invalid)"
	}
	wait, err := b.st.loginLocked(ctx, logName, clientIP)
	if err != nil {
		return Session{}, err
	}
	if wait > 0 {
		b.log.WarnContext(ctx, "agent login refused: locked", "agent", logName, "client", clientIP)
		b.auditLog(ctx, AuditEntry{At: now, Agent: logName, Action: AuditLoginLocked, ClientIP: clientIP})
		mins := int((wait + time.Minute - 1) / time.Minute)
		return Session{}, Errorf(CodeLocked, "尝试次数过多，请 %d 分钟后再试。", mins)
	}
	rec, err := b.st.agent(ctx, name)
	if err != nil && !errors.Is(err, errNoAgent) {
		return Session{}, err
	}
	hash := rec.hash
	if hash == "" {
		hash = dummyHash // as slow as a real check
	}
	ok := checkPassword(hash, password) && err == nil && !rec.Disabled
	if !ok {
		locked, ferr := b.st.loginFailed(ctx, logName, clientIP)
		if ferr != nil {
			return Session{}, ferr
		}
		b.log.WarnContext(ctx, "agent login failed", "agent", logName, "client", clientIP, "locked", locked)
		b.auditLog(ctx, AuditEntry{At: now, Agent: logName, Action: AuditLoginFailed, ClientIP: clientIP})
		return Session{}, errBadLogin
	}
	b.st.loginSucceeded(ctx, name)
	sess := Session{ID: randomString(32), CSRF: randomString(32), Agent: rec.Agent, Expires: now.Add(b.idleTimeout)}
	if err := b.st.createSession(ctx, name, hashSecret(sess.ID), sess.CSRF, b.idleTimeout, now.Add(sessionMaxAge), now); err != nil {
		return Session{}, err
	}
	b.log.InfoContext(ctx, "agent login", "agent", name, "client", clientIP)
	b.auditLog(ctx, AuditEntry{At: now, Agent: name, Action: AuditLogin, ClientIP: clientIP})
	return sess, nil
}

// auditLog appends an audit entry, logging a failure (the action itself went through).
func (b *Bot) auditLog(ctx context.Context, e AuditEntry) {
	if err := b.st.audit(ctx, e); err != nil {
		b.log.WarnContext(ctx, "audit", "error", err)
	}
}

var errNoSession = &Error{Code: CodeNoSession, Message: "登录已过期，请重新登录。"}

// Session returns the desk session with that id and slides its idle timeout. Error
// CodeNoSession when there is none, it expired (idle or 12 hours after login) or its agent was
// disabled.
func (b *Bot) Session(ctx context.Context, id string) (Session, error) {
	if id == "" || len(id) > 128 {
		return Session{}, errNoSession
	}
	now := b.now()
	ss, ok, err := b.st.session(ctx, hashSecret(id), b.idleTimeout, now)
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, errNoSession
	}
	rec, err := b.st.agent(ctx, ss.agent)
	if errors.Is(err, errNoAgent) || err == nil && rec.Disabled {
		return Session{}, errNoSession
	}
	if err != nil {
		return Session{}, err
	}
	exp := now.Add(b.idleTimeout)
	if ss.maxTill.Before(exp) {
		exp = ss.maxTill
	}
	return Session{ID: id, CSRF: ss.csrf, Agent: rec.Agent, Expires: exp}, nil
}

// Logout ends one desk session; an unknown id is no error.
func (b *Bot) Logout(ctx context.Context, id string) error {
	name, err := b.st.deleteSession(ctx, hashSecret(id))
	if err != nil || name == "" {
		return err
	}
	b.log.InfoContext(ctx, "agent logout", "agent", name)
	b.auditLog(ctx, AuditEntry{At: b.now(), Agent: name, Action: AuditLogout})
	return nil
}

// LogoutEverywhere ends every desk session of an agent (its API tokens stay).
func (b *Bot) LogoutEverywhere(ctx context.Context, name string) error {
	if err := b.st.deleteSessions(ctx, name); err != nil {
		return err
	}
	b.log.InfoContext(ctx, "agent logout everywhere", "agent", name)
	b.auditLog(ctx, AuditEntry{At: b.now(), Agent: name, Action: AuditLogoutAll})
	return nil
}

// CreateAPIToken makes a bearer token for agent a's scripts. The token is returned once;
// only its SHA-256 is kept.
func (b *Bot) CreateAPIToken(ctx context.Context, a Agent, label string) (string, APIToken, error) {
	label = strings.TrimSpace(label)
	if utf8.RuneCountInString(label) > 64 {
		return "", APIToken{}, Errorf(CodeInvalid, "名称最多 64 个字。")
	}
	if a.Name == TokenAdmin.Name {
		return "", APIToken{}, Errorf(CodeInvalid, "ADMIN_TOKEN 不能再创建令牌；请用自己的账号。")
	}
	token := "ylt_" + randomString(32)
	t := APIToken{ID: randomString(6), Label: redact(label), CreatedAt: b.now().UTC().Truncate(time.Second)}
	if err := b.st.createToken(ctx, a.Name, t.ID, hashSecret(token), tokenMeta{Label: t.Label, CreatedAt: t.CreatedAt, Hash: hashSecret(token)}); err != nil {
		return "", APIToken{}, err
	}
	b.auditLog(ctx, AuditEntry{At: b.now(), Agent: a.Name, Action: AuditTokenCreated, Detail: t.ID})
	return token, t, nil
}

// APITokens lists agent a's tokens.
func (b *Bot) APITokens(ctx context.Context, a Agent) ([]APIToken, error) {
	ts, err := b.st.tokens(ctx, a.Name)
	if err != nil {
		return nil, err
	}
	// Newest first.
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].CreatedAt.After(ts[j-1].CreatedAt); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
	return ts, nil
}

// RevokeAPIToken deletes one of agent a's tokens; CodeNotFound when a has none with that id.
func (b *Bot) RevokeAPIToken(ctx context.Context, a Agent, id string) error {
	if id == "" {
		return Errorf(CodeNotFound, "没有这个令牌。")
	}
	found, err := b.st.revokeToken(ctx, a.Name, id)
	if err != nil {
		return err
	}
	if !found {
		return Errorf(CodeNotFound, "没有这个令牌。")
	}
	b.auditLog(ctx, AuditEntry{At: b.now(), Agent: a.Name, Action: AuditTokenRevoked, Detail: id})
	return nil
}

// AgentByToken returns the agent an API token belongs to. Error CodeNoSession for an unknown or
// revoked token, or a disabled agent.
func (b *Bot) AgentByToken(ctx context.Context, token string) (Agent, error) {
	if !strings.HasPrefix(token, "ylt_") || len(token) > 128 {
		return Agent{}, errNoSession
	}
	name, ok, err := b.st.tokenAgent(ctx, hashSecret(token), b.now())
	if err != nil {
		return Agent{}, err
	}
	if !ok {
		return Agent{}, errNoSession
	}
	rec, err := b.st.agent(ctx, name)
	if errors.Is(err, errNoAgent) || err == nil && rec.Disabled {
		return Agent{}, errNoSession
	}
	if err != nil {
		return Agent{}, err
	}
	return rec.Agent, nil
}
