package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/handlers/openapitest"
)

// TestDevModeCredentials: development mode never prints a credential the operator supplied;
// without one it makes a random ADMIN_TOKEN, prints it once and accepts it, and refuses the
// formerly published yilianbotdev-admin.
func TestDevModeCredentials(t *testing.T) {
	t.Parallel()
	t.Run("supplied", func(t *testing.T) {
		t.Parallel()
		env := map[string]string{"WECHAT_TOKEN": "operatorWeChatToken42", "ADMIN_TOKEN": "operator-admin-secret-value"}
		_, logs := startRun(t, env)
		out := logs.String()
		for _, secret := range env {
			if strings.Contains(out, secret) {
				t.Errorf("development mode printed a supplied credential:\n%s", out)
			}
		}
		if !strings.Contains(out, "WECHAT_TOKEN: the value set in the environment is used (not printed)") ||
			!strings.Contains(out, "ADMIN_TOKEN: the value set in the environment is used (not printed)") {
			t.Errorf("banner does not say the supplied tokens are used:\n%s", out)
		}
	})
	t.Run("generated", func(t *testing.T) {
		t.Parallel()
		_, base, logs := startServe(t, map[string]string{}) // the agent API is on the admin listener
		out := logs.String()
		if !strings.Contains(out, "WECHAT_TOKEN="+config.DevToken+" is the published development token") {
			t.Errorf("banner does not say the dev WeChat token is public:\n%s", out)
		}
		m := regexp.MustCompile(`ADMIN_TOKEN=(\S+) is random for this run only`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("banner does not print the random ADMIN_TOKEN:\n%s", out)
		}
		if n := strings.Count(out, m[1]); n != 1 {
			t.Errorf("the random ADMIN_TOKEN is printed %d times, want once", n)
		}
		apiClient := openapitest.Load(t).Client(t) // answers must match handlers/openapi.yaml
		for _, tt := range []struct {
			token string
			want  int
		}{{m[1], 200}, {config.DevToken + "-admin", 401}} {
			req, _ := http.NewRequest("GET", base+"/api/v1/stats", nil)
			req.Header.Set("Authorization", "Bearer "+tt.token)
			resp, err := apiClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("GET /api/v1/stats with %q = %d, want %d", tt.token, resp.StatusCode, tt.want)
			}
		}
	})
}
