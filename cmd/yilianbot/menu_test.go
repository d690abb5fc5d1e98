package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/handlers/wechat/wechatfake"
	"github.com/yilianpay/yilianbot/kb"
)

// runMenuCmd runs `yilianbot menu <sub>` through run with env.
func runMenuCmd(t *testing.T, sub string, env map[string]string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(t.Context(), []string{"menu", sub}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut, hooks{})
	return out.String(), errOut.String(), err
}

func TestMenuPush(t *testing.T) {
	t.Parallel()
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	env := map[string]string{
		"WECHAT_API_BASE":   fake.URL,
		"WECHAT_APP_ID":     fake.AppID,
		"WECHAT_APP_SECRET": fake.AppSecret,
	}
	stdout, stderr, err := runMenuCmd(t, "push", env)
	if err != nil {
		t.Fatalf("menu push = %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "menu pushed") {
		t.Errorf("menu push printed %q, want a confirmation", stdout)
	}
	menus := fake.Menus()
	if len(menus) != 1 {
		t.Fatalf("WeChat received %d menus, want 1", len(menus))
	}
	var got struct{ Button []wechat.Button }
	if err := json.Unmarshal(menus[0], &got); err != nil {
		t.Fatal(err)
	}

	// The default config's three groups, with the keys the dialogue handles.
	wantKeys := [][]string{
		{"cat:txn-status", "cat:settlement", "cat:reconciliation", "cat:refund", "cat:fees"},
		{"cat:onboarding", "cat:merchant-info", "cat:api-integration", "cat:login-password", "cat:risk-limits"},
		{"handoff", "my_tickets", "cat:anti-fraud", "cat:contact"},
	}
	var gotKeys [][]string
	for _, top := range got.Button {
		if top.Name == "" || len(top.Name) > 16 || top.Type != "" || top.Key != "" {
			t.Errorf("top-level button %+v, want a 1-16 byte name and sub-buttons only", top)
		}
		var keys []string
		for _, sb := range top.SubButtons {
			if sb.Type != "click" || sb.Name == "" || len(sb.Name) > 60 || len(sb.Key) > 128 {
				t.Errorf("sub-button %+v, want a click with a 1-60 byte name and a key of at most 128 bytes", sb)
			}
			keys = append(keys, sb.Key)
		}
		gotKeys = append(gotKeys, keys)
	}
	if diff := cmp.Diff(wantKeys, gotKeys); diff != "" {
		t.Errorf("menu keys mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"交易结算", "商户服务", "联系客服"}, []string{got.Button[0].Name, got.Button[1].Name, got.Button[2].Name}); diff != "" {
		t.Errorf("group names mismatch (-want +got):\n%s", diff)
	}
	if n := got.Button[2].SubButtons; n[0].Name != "人工客服" || n[1].Name != "我的工单" {
		t.Errorf("contact group starts with %q, %q, want 人工客服, 我的工单", n[0].Name, n[1].Name)
	}
	if name := got.Button[0].SubButtons[3].Name; name != "退款" {
		t.Errorf("cat:refund is named %q, want the category's name 退款", name)
	}

	// menu show prints exactly what push sends.
	shown, _, err := runMenuCmd(t, "show", env)
	if err != nil {
		t.Fatalf("menu show = %v", err)
	}
	var sent, printed any
	if err := json.Unmarshal(menus[0], &sent); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(shown), &printed); err != nil {
		t.Fatalf("menu show printed %q: %v", shown, err)
	}
	if diff := cmp.Diff(sent, printed); diff != "" {
		t.Errorf("menu show differs from what push sent (-sent +shown):\n%s", diff)
	}
	if n := len(fake.Menus()); n != 1 {
		t.Errorf("after menu show WeChat has received %d menus, want still 1", n)
	}
}

func TestMenuPushErrors(t *testing.T) {
	t.Parallel()
	fake := wechatfake.New()
	t.Cleanup(fake.Close)
	tests := []struct {
		name    string
		env     map[string]string
		want    []string // in the error
		notWant string   // never in the error or the output
	}{
		{
			name: "no secret",
			env:  map[string]string{"WECHAT_API_BASE": fake.URL, "WECHAT_APP_ID": fake.AppID},
			want: []string{"WECHAT_APP_SECRET"},
		},
		{
			name: "no credentials",
			env:  map[string]string{"WECHAT_API_BASE": fake.URL},
			want: []string{"WECHAT_APP_ID", "WECHAT_APP_SECRET"},
		},
		{
			name:    "wrong secret",
			env:     map[string]string{"WECHAT_API_BASE": fake.URL, "WECHAT_APP_ID": fake.AppID, "WECHAT_APP_SECRET": "wrongsecret0123456789abcdef01234"},
			want:    []string{"40125"},
			notWant: "wrongsecret0123456789abcdef01234",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runMenuCmd(t, "push", tt.env)
			if err == nil {
				t.Fatal("menu push succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("menu push = %q, want it to name %s", err, w)
				}
			}
			if tt.notWant != "" && strings.Contains(err.Error()+stdout+stderr, tt.notWant) {
				t.Errorf("the secret appears in the error or output: %q\n%s%s", err, stdout, stderr)
			}
		})
	}
	if n := len(fake.Menus()); n != 0 {
		t.Errorf("WeChat received %d menus, want 0", n)
	}
	if _, _, err := runMenuCmd(t, "delete", nil); err == nil || !strings.Contains(err.Error(), "show or push") {
		t.Errorf("menu delete = %v, want an error listing show and push", err)
	}
}

func TestMenuButtons(t *testing.T) {
	t.Parallel()
	content := &kb.Content{Categories: []kb.Category{
		{Slug: "refund", Name: "退款"},
		{Slug: "risk-limits", Name: "风控、限额与资金冻结"},
		{Slug: "long", Name: strings.Repeat("很长的名字", 5)}, // 75 bytes
		{Slug: strings.Repeat("s", 130), Name: "长键"},
	}}
	sub := func(name, key string) *wechat.Button { return wechat.NewClickButton(name, key) }
	tests := []struct {
		name    string
		groups  []config.MenuGroup
		want    []*wechat.Button
		wantErr []string
	}{
		{
			name: "groups and a top-level click",
			groups: []config.MenuGroup{
				{Name: "自助", Items: []string{"refund", "risk-limits", "long", "menu"}},
				{Name: "人工", Key: "handoff"},
			},
			want: []*wechat.Button{
				wechat.NewSubButton("自助", []*wechat.Button{
					sub("退款", "cat:refund"),
					sub("风控、限额与资金冻结", "cat:risk-limits"),
					sub(strings.Repeat("很长的名字", 4), "cat:long"),
					sub("自助服务", "menu"),
				}),
				wechat.NewClickButton("人工", "handoff"),
			},
		},
		{name: "no groups", wantErr: []string{"0 top-level buttons"}},
		{
			name:    "four groups",
			groups:  []config.MenuGroup{{Name: "a", Key: "a"}, {Name: "b", Key: "b"}, {Name: "c", Key: "c"}, {Name: "d", Key: "d"}},
			wantErr: []string{"4 top-level buttons"},
		},
		{
			name:    "unknown item and six items",
			groups:  []config.MenuGroup{{Name: "a", Items: []string{"refund", "nope", "handoff", "my_tickets", "menu", "risk-limits"}}},
			wantErr: []string{`item "nope"`, "6 items"},
		},
		{
			name:    "long name",
			groups:  []config.MenuGroup{{Name: "交易与结算服务", Key: "k"}},
			wantErr: []string{"21 bytes"},
		},
		{
			name:    "long key and duplicate",
			groups:  []config.MenuGroup{{Name: "a", Items: []string{strings.Repeat("s", 130), "refund"}}, {Name: "b", Items: []string{"refund"}}},
			wantErr: []string{"134 bytes", `key "cat:refund" is already used in menu[0]`},
		},
		{name: "nothing to do", groups: []config.MenuGroup{{Name: "a"}}, wantErr: []string{"needs items or a key"}},
	}
	for _, tt := range tests {
		got, _, err := menuButtons(tt.groups, content)
		if len(tt.wantErr) == 0 {
			if err != nil {
				t.Errorf("%s: menuButtons = %v", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s: buttons mismatch (-want +got):\n%s", tt.name, diff)
			}
			continue
		}
		for _, w := range tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: menuButtons error = %v, want it to contain %q", tt.name, err, w)
			}
		}
	}
}

func TestShortName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		n    int
		want string
	}{
		{"退款", 60, "退款"},
		{"风控、限额与资金冻结", 60, "风控、限额与资金冻结"},
		{"风控、限额与资金冻结", 12, "风控"},
		{"商户后台登录与密码", 20, "商户后台登录"},
		{"商户后台登录与密码", 10, "商户后"},
		{"abcdef", 4, "abcd"},
	}
	for _, tt := range tests {
		if got := shortName(tt.name, tt.n); got != tt.want {
			t.Errorf("shortName(%q, %d) = %q, want %q", tt.name, tt.n, got, tt.want)
		}
	}
}
