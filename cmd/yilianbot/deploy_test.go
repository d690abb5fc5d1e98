package main

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/yilianpay/yilianbot/config"
)

// root is the repository root, seen from this package's directory.
const root = "../.."

// composeEnv is what an operator exports before `docker compose up` (the file's header).
var composeEnv = map[string]string{
	"WECHAT_TOKEN":   "composetoken",
	"ADMIN_TOKEN":    "compose-admin-token-0123456789",
	"REDIS_PASSWORD": "0123456789abcdef0123456789abcdef",
}

func loadCompose(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	var kv []string
	for k, v := range env {
		kv = append(kv, k+"="+v)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	// Only env, not the test process's environment or a .env file: the result is the same on
	// every machine.
	opts, err := cli.NewProjectOptions([]string{filepath.Join(abs, "docker-compose.yml")},
		cli.WithWorkingDirectory(abs), cli.WithName("yilianbot"), cli.WithEnv(kv))
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

// TestCompose checks docker-compose.yml with compose-go, the loader docker compose uses (schema,
// interpolation, paths), since no Docker engine runs here, and then what the file must promise:
// pinned images, healthchecks, a Redis password, the knowledge base and CONFIG_FILE mounted.
func TestCompose(t *testing.T) {
	t.Parallel()
	p, err := loadCompose(t, composeEnv)
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, name := range []string{"REDIS_PASSWORD", "WECHAT_TOKEN", "ADMIN_TOKEN"} {
		env := maps.Clone(composeEnv)
		delete(env, name)
		if _, err := loadCompose(t, env); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s: err = %v, want one naming it", name, err)
		}
	}

	pinned := regexp.MustCompile(`:\d+\.\d+\.\d+[^:@/]*(@sha256:[0-9a-f]{64})?$`)
	for name, s := range p.Services {
		if s.Build == nil && !pinned.MatchString(s.Image) {
			t.Errorf("service %s: image %q is not pinned to a release (name:X.Y.Z)", name, s.Image)
		}
		if s.HealthCheck == nil || s.HealthCheck.Disable || len(s.HealthCheck.Test) < 2 {
			t.Errorf("service %s: no healthcheck", name)
		}
	}

	redis, bot := p.Services["redis"], p.Services["bot"]
	pw := composeEnv["REDIS_PASSWORD"]
	if got := env(bot, "REDIS_URL"); got != "redis://:"+pw+"@redis:6379/0" {
		t.Errorf("bot REDIS_URL = %q, want the password in it", got)
	}
	if !strings.Contains(strings.Join(redis.Command, " "), `--requirepass "$REDISCLI_AUTH"`) || env(redis, "REDISCLI_AUTH") != pw {
		t.Errorf("redis command %q with REDISCLI_AUTH=%q: want --requirepass from REDISCLI_AUTH=REDIS_PASSWORD", redis.Command, env(redis, "REDISCLI_AUTH"))
	}
	if got := []string(bot.HealthCheck.Test); !slices.Equal(got, []string{"CMD", "/yilianbot", "healthcheck"}) {
		t.Errorf("bot healthcheck = %q, want the binary's healthcheck command", got)
	}

	// The bot reads KB_DIR and CONFIG_FILE from read-only bind mounts of files in the repository.
	mounted := func(target string) string {
		t.Helper()
		for _, v := range bot.Volumes {
			if v.Target == target {
				if v.Type != types.VolumeTypeBind || !v.ReadOnly {
					t.Errorf("bot %s: want a read-only bind mount, got %+v", target, v)
				}
				return v.Source
			}
		}
		t.Errorf("bot: nothing is mounted at %s", target)
		return ""
	}
	kbDir, configFile := mounted(env(bot, "KB_DIR")), mounted(env(bot, "CONFIG_FILE"))
	if want, _ := filepath.Abs(filepath.Join(root, "kb", "content")); kbDir != want {
		t.Errorf("bot KB_DIR is mounted from %s, want %s", kbDir, want)
	}
	if want, _ := filepath.Abs(filepath.Join(root, "config", "example.yaml")); configFile != want {
		t.Errorf("bot CONFIG_FILE is mounted from %s, want %s", configFile, want)
	}
	if t.Failed() {
		return
	}
	// What the container does at start, with the mounted files: load the configuration and
	// build the menu from it and the knowledge base.
	getenv := func(k string) string { return map[string]string{"CONFIG_FILE": configFile, "KB_DIR": kbDir}[k] }
	if _, err := config.Load(getenv); err != nil {
		t.Errorf("config.Load with CONFIG_FILE=%s: %v", configFile, err)
	}
	if out, err := runCmd(t, map[string]string{"CONFIG_FILE": configFile, "KB_DIR": kbDir}, "", "menu", "show"); err != nil || !strings.Contains(out, `"button"`) {
		t.Errorf("menu show with the compose mounts = %v\n%s", err, out)
	}
}

func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

// TestImage checks the Dockerfile and .dockerignore: pinned bases, the Go release of go.mod, a
// non-root user and a HEALTHCHECK, and no repository history in the build context.
func TestImage(t *testing.T) {
	t.Parallel()
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	df := read("Dockerfile")
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(read("go.mod"))
	if goLine == nil {
		t.Fatal("go.mod has no go line")
	}
	var from []string
	for _, m := range regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(df, -1) {
		from = append(from, m[1])
	}
	if len(from) != 2 || !strings.HasPrefix(from[0], "golang:"+goLine[1]+"-") {
		t.Errorf("Dockerfile FROM %q: want a golang:%s-… build stage and a runtime stage", from, goLine[1])
	}
	for _, f := range from {
		if strings.HasSuffix(f, ":latest") || !strings.Contains(f, ":") {
			t.Errorf("Dockerfile FROM %s: not pinned", f)
		}
	}
	for _, want := range []string{
		"\nUSER nonroot:nonroot\n",
		`CMD ["/yilianbot", "healthcheck"]`,
		"\nHEALTHCHECK ",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if ignore := strings.Fields(read(".dockerignore")); !slices.Contains(ignore, ".git") {
		t.Errorf(".dockerignore does not keep .git out of the build context")
	}
}

// TestCICommandIsREADMEs keeps .ci/run running exactly the README's test command.
func TestCICommandIsREADMEs(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n## Test\n\n```sh\n([^\n]+)\n```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md: no test command under ## Test")
	}
	cmd := string(m[1])
	if !strings.HasPrefix(cmd, "GOTOOLCHAIN=go") || !slices.Contains(strings.Split(string(ci), "\n"), cmd) {
		t.Errorf(".ci/run does not run the README's test command %q, naming the toolchain, on a line of its own", cmd)
	}
}

// TestBinaryDependencies keeps the WeChat SDK's cache package, and with it go-redis v8 and
// memcache, out of the binary: of the SDK only util (message crypto) is linked, and
// handlers/wechat has its own wire types.
func TestBinaryDependencies(t *testing.T) {
	t.Parallel()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		sdk, isSDK := strings.CutPrefix(pkg, "github.com/silenceper/wechat/v2/")
		if isSDK && sdk != "util" || strings.HasPrefix(pkg, "github.com/go-redis/redis/v8") || strings.HasPrefix(pkg, "github.com/bradfitz/gomemcache") {
			t.Errorf("yilianbot links %s", pkg)
		}
	}
}
