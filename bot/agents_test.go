package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Agents of the tests that work tickets; they need not exist in Redis to reply.
var (
	xiaowang = Agent{Name: "xiaowang", Role: RoleAgent}
	xiaoli   = Agent{Name: "xiaoli", Role: RoleAgent}
)

const testPassword = "correct-horse-battery"

// mustAgent adds an agent with testPassword.
func mustAgent(tb testing.TB, b *testBot, name string, role Role) Agent {
	tb.Helper()
	a, err := b.AddAgent(context.Background(), name, role, testPassword)
	if err != nil {
		tb.Fatalf("AddAgent(%s): %v", name, err)
	}
	return a
}

func TestAddAgent(t *testing.T) {
	t.Parallel()
	b := newTestBot(t, nil, at(10, 0), Options{})
	mustAgent(t, b, "wang", RoleAgent)
	b.clock.Add(time.Minute) // Agents lists by creation time
	tests := []struct {
		name, agent string
		role        Role
		password    string
		wantCode    string
	}{
		{"taken", "wang", RoleAgent, testPassword, CodeExists},
		{"upper case", "Wang", RoleAgent, testPassword, CodeInvalid},
		{"too short", "w", RoleAgent, testPassword, CodeInvalid},
		{"reserved", TokenAdmin.Name, RoleAdmin, testPassword, CodeInvalid},
		{"bad role", "li", Role("root"), testPassword, CodeInvalid},
		{"short password", "li", RoleAgent, "123456789", CodeInvalid},
		{"fine", "li.na_2", RoleAdmin, testPassword, ""},
	}
	for _, tt := range tests {
		_, err := b.AddAgent(context.Background(), tt.agent, tt.role, tt.password)
		if got := ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: AddAgent(%q, %q) error = %v, want code %q", tt.name, tt.agent, tt.role, err, tt.wantCode)
		}
	}
	as, err := b.Agents(context.Background())
	if err != nil || len(as) != 2 || as[0].Name != "wang" || as[1].Role != RoleAdmin {
		t.Errorf("Agents() = %+v, %v; want wang then li.na_2 (admin)", as, err)
	}
	raw, _ := b.rdb.HGet(context.Background(), b.st.keys.agent("wang"), "password").Result()
	if !strings.HasPrefix(raw, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(raw, testPassword) {
		t.Errorf("stored password = %q, want an argon2id PHC string", raw)
	}
}

func TestLoginAndSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const idle = 30 * time.Minute
	b := newTestBot(t, nil, at(10, 0), Options{DeskIdleTimeout: idle})
	admin := mustAgent(t, b, "boss", RoleAdmin)
	mustAgent(t, b, "wang", RoleAgent)

	for _, tt := range []struct{ name, password string }{{"wang", "wrong-password!"}, {"nobody", testPassword}, {"", ""}} {
		if _, err := b.Login(ctx, tt.name, tt.password, "192.0.2.1"); ErrorCode(err) != CodeBadLogin || ErrorMessage(err) != "用户名或密码错误。" {
			t.Errorf("Login(%q, %q) error = %v, want the one bad_login message", tt.name, tt.password, err)
		}
	}
	s, err := b.Login(ctx, "WANG ", testPassword, "192.0.2.1")
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if len(s.ID) < 43 || len(s.CSRF) < 43 || s.ID == s.CSRF || s.Agent.Name != "wang" {
		t.Errorf("session = %+v, want 32-byte id and CSRF token for wang", s)
	}
	if got, err := b.Session(ctx, s.ID); err != nil || got.Agent.Name != "wang" || got.CSRF != s.CSRF {
		t.Errorf("Session(id) = %+v, %v; want wang's session", got, err)
	}
	if keys, _ := b.rdb.Keys(ctx, b.prefix+"*"+s.ID+"*").Result(); len(keys) > 0 {
		t.Errorf("the session id is in a key name: %v", keys)
	}
	for _, id := range []string{"", "not-a-session", s.CSRF} {
		if _, err := b.Session(ctx, id); ErrorCode(err) != CodeNoSession {
			t.Errorf("Session(%q) error = %v, want no_session", id, err)
		}
	}

	// Idle timeout, on the bot's clock: use slides the expiry; the timeout without use ends
	// the session. (Real time must not matter: a Login's argon2id check can take longer than
	// a short real timeout under load, which once ended sessions this test still used.)
	for range 3 {
		b.clock.Add(idle - time.Minute)
		if _, err := b.Session(ctx, s.ID); err != nil {
			t.Fatalf("Session after %v of idleness: %v", idle-time.Minute, err)
		}
	}
	// Redis collects a session nobody comes back to: its key lives no longer than the timeout.
	if ttl := b.rdb.PTTL(ctx, b.st.keys.deskSession(hashSecret(s.ID))).Val(); ttl <= 0 || ttl > idle {
		t.Errorf("session key TTL = %v, want at most the idle timeout %v", ttl, idle)
	}
	b.clock.Add(idle)
	if _, err := b.Session(ctx, s.ID); ErrorCode(err) != CodeNoSession {
		t.Errorf("Session after the idle timeout error = %v, want no_session", err)
	}

	// Logout, logout everywhere, disabling.
	s1, _ := b.Login(ctx, "wang", testPassword, "192.0.2.1")
	s2, _ := b.Login(ctx, "wang", testPassword, "192.0.2.2")
	if err := b.Logout(ctx, s1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Session(ctx, s1.ID); ErrorCode(err) != CodeNoSession {
		t.Errorf("Session after Logout error = %v, want no_session", err)
	}
	if _, err := b.Session(ctx, s2.ID); err != nil {
		t.Errorf("the other session ended with Logout: %v", err)
	}
	s3, _ := b.Login(ctx, "wang", testPassword, "192.0.2.3")
	if err := b.LogoutEverywhere(ctx, "wang"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{s2.ID, s3.ID} {
		if _, err := b.Session(ctx, id); ErrorCode(err) != CodeNoSession {
			t.Errorf("Session after LogoutEverywhere error = %v, want no_session", err)
		}
	}

	s4, _ := b.Login(ctx, "wang", testPassword, "192.0.2.1")
	token, _, err := b.CreateAPIToken(ctx, s4.Agent, "脚本")
	if err != nil {
		t.Fatal(err)
	}
	if a, err := b.AgentByToken(ctx, token); err != nil || a.Name != "wang" {
		t.Errorf("AgentByToken = %+v, %v; want wang", a, err)
	}
	if err := b.DisableAgent(ctx, s4.Agent, "boss"); ErrorCode(err) != CodeForbidden {
		t.Errorf("an agent disabling an admin: error = %v, want forbidden", err)
	}
	if err := b.DisableAgent(ctx, admin, "wang"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Session(ctx, s4.ID); ErrorCode(err) != CodeNoSession {
		t.Errorf("Session of a disabled agent error = %v, want no_session", err)
	}
	if _, err := b.AgentByToken(ctx, token); ErrorCode(err) != CodeNoSession {
		t.Errorf("AgentByToken of a disabled agent error = %v, want no_session", err)
	}
	if _, err := b.Login(ctx, "wang", testPassword, "192.0.2.1"); ErrorCode(err) != CodeBadLogin {
		t.Errorf("Login of a disabled agent error = %v, want bad_login", err)
	}

	// Absolute lifetime: 12 hours after login, however busy.
	s5, _ := b.Login(ctx, "boss", testPassword, "192.0.2.1")
	b.clock.Add(sessionMaxAge)
	if _, err := b.Session(ctx, s5.ID); ErrorCode(err) != CodeNoSession {
		t.Errorf("Session 12 hours after login error = %v, want no_session", err)
	}

	audit, err := b.Audit(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range audit {
		seen[e.Action]++
		if strings.Contains(e.Detail, testPassword) || strings.Contains(e.Detail, token) {
			t.Errorf("audit entry %+v holds a credential", e)
		}
	}
	for _, action := range []string{AuditLogin, AuditLoginFailed, AuditLogout, AuditLogoutAll, AuditAgentOff, AuditAgentAdded, AuditTokenCreated} {
		if seen[action] == 0 {
			t.Errorf("audit lacks %s: %v", action, seen)
		}
	}
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newTestBot(t, nil, at(10, 0), Options{})
	mustAgent(t, b, "wang", RoleAgent)
	mustAgent(t, b, "li", RoleAgent)

	for i := range loginLimitAccount {
		if _, err := b.Login(ctx, "wang", "wrong-password!", "192.0.2.1"); ErrorCode(err) != CodeBadLogin {
			t.Fatalf("failure %d: error = %v, want bad_login", i+1, err)
		}
	}
	tests := []struct {
		name, agent, password, ip string
		wantCode                  string
	}{
		{"locked account, right password", "wang", testPassword, "192.0.2.1", CodeLocked},
		{"locked account, another address", "wang", testPassword, "198.51.100.7", CodeLocked},
		{"another account, same address", "li", testPassword, "192.0.2.1", ""},
	}
	for _, tt := range tests {
		_, err := b.Login(ctx, tt.agent, tt.password, tt.ip)
		if ErrorCode(err) != tt.wantCode {
			t.Errorf("%s: error = %v, want code %q", tt.name, err, tt.wantCode)
		}
		if tt.wantCode == CodeLocked && ErrorMessage(err) != "尝试次数过多，请 15 分钟后再试。" {
			t.Errorf("%s: message = %q", tt.name, ErrorMessage(err))
		}
	}
	if ttl := b.rdb.TTL(ctx, b.st.keys.loginFails("a", "wang")).Val(); ttl < 14*time.Minute || ttl > loginWindow {
		t.Errorf("lock TTL = %v, want about 15 minutes", ttl)
	}

	// An address guessing across accounts is locked after 20 failures, whatever the account.
	for i := range loginLimitAddress {
		name := []string{"li", "zhao", "qian", "sun"}[i%4]
		if i%4 == 0 {
			name = "x" + string(rune('a'+i))
		}
		b.Login(ctx, name, "wrong-password!", "203.0.113.9")
	}
	if _, err := b.Login(ctx, "li", testPassword, "203.0.113.9"); ErrorCode(err) != CodeLocked {
		t.Errorf("login from an address with 20 failures: error = %v, want locked", err)
	}
	if _, err := b.Login(ctx, "zhao2", testPassword, "198.51.100.8"); ErrorCode(err) != CodeBadLogin {
		t.Errorf("login from another address: error = %v, want bad_login (not locked)", err)
	}
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newTestBot(t, nil, at(10, 0), Options{})
	wang := mustAgent(t, b, "wang", RoleAgent)
	token, tk, err := b.CreateAPIToken(ctx, wang, "对账脚本")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "ylt_") || len(token) < 40 {
		t.Errorf("token = %q, want ylt_ and 32 random bytes", token)
	}
	if keys, _ := b.rdb.Keys(ctx, b.prefix+"*").Result(); strings.Contains(strings.Join(keys, " "), token[4:]) {
		t.Error("the token is stored in clear")
	}
	if _, err := b.AgentByToken(ctx, token); err != nil {
		t.Fatal(err)
	}
	list, err := b.APITokens(ctx, wang)
	if err != nil || len(list) != 1 || list[0].ID != tk.ID || list[0].Label != "对账脚本" || list[0].LastUsed == nil {
		t.Errorf("APITokens = %+v, %v; want the token, used", list, err)
	}
	if _, _, err := b.CreateAPIToken(ctx, TokenAdmin, "x"); ErrorCode(err) != CodeInvalid {
		t.Errorf("CreateAPIToken(admin-token) error = %v, want invalid", err)
	}
	if err := b.RevokeAPIToken(ctx, xiaoli, tk.ID); ErrorCode(err) != CodeNotFound {
		t.Errorf("revoking another agent's token: error = %v, want not_found", err)
	}
	if err := b.RevokeAPIToken(ctx, wang, tk.ID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{token, "ylt_guess", "", "Bearer x"} {
		if _, err := b.AgentByToken(ctx, tok); ErrorCode(err) != CodeNoSession {
			t.Errorf("AgentByToken(%q) error = %v, want no_session", tok, err)
		}
	}
}

// TestChangePassword: an agent changes its own password with the current one; a wrong current
// password counts towards the login lockout, and success ends every session.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newTestBot(t, nil, at(10, 0), Options{})
	wang := mustAgent(t, b, "wang", RoleAgent)
	s, err := b.Login(ctx, "wang", testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	const next = "staple-and-battery-2"
	for _, tt := range []struct{ name, current, next, code, msg string }{
		{"short", testPassword, "short", CodeInvalid, "密码需为"},
		{"same", testPassword, testPassword, CodeInvalid, "不能与当前密码相同"},
		{"wrong current", "not-the-password", next, CodeInvalid, "当前密码不正确"},
	} {
		err := b.ChangePassword(ctx, wang, tt.current, tt.next, "192.0.2.1")
		if ErrorCode(err) != tt.code || !strings.Contains(ErrorMessage(err), tt.msg) {
			t.Errorf("%s: ChangePassword error = %v, want %s %q", tt.name, err, tt.code, tt.msg)
		}
	}
	if _, err := b.Session(ctx, s.ID); err != nil {
		t.Fatalf("a refused change ended the session: %v", err)
	}
	if err := b.ChangePassword(ctx, wang, testPassword, next, "192.0.2.1"); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	if _, err := b.Session(ctx, s.ID); ErrorCode(err) != CodeNoSession {
		t.Errorf("session after the change: %v, want it ended", err)
	}
	if _, err := b.Login(ctx, "wang", testPassword, "192.0.2.1"); ErrorCode(err) != CodeBadLogin {
		t.Errorf("old password still logs in: %v", err)
	}
	if _, err := b.Login(ctx, "wang", next, "192.0.2.1"); err != nil {
		t.Errorf("new password: %v", err)
	}

	// Guessing the current password through the form locks the account like the login does.
	for i := range 5 {
		if err := b.ChangePassword(ctx, wang, "guess-number-"+string(rune('a'+i)), "another-password-3", "192.0.2.9"); ErrorCode(err) != CodeInvalid {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if err := b.ChangePassword(ctx, wang, next, "another-password-3", "192.0.2.9"); ErrorCode(err) != CodeLocked {
		t.Errorf("after five wrong guesses: %v, want locked", err)
	}
	if _, err := b.Login(ctx, "wang", next, "192.0.2.1"); ErrorCode(err) != CodeLocked {
		t.Errorf("login after five wrong guesses in the form: %v, want locked", err)
	}
	audit, _ := b.Audit(ctx, 50)
	var changed int
	for _, e := range audit {
		if e.Action == AuditPassword && e.Agent == "wang" {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("audit has %d password changes of wang, want 1", changed)
	}
}
