package handlers

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/yilianpay/yilianbot/handlers/openapitest"
)

// TestOpenAPI loads handlers/openapi.yaml with a real OpenAPI 3 validator (kin-openapi) and
// checks that it documents exactly the agent API routes of routes.go. The responses themselves
// are checked against it in every test that calls the API (openapitest.Doc.Handler).
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	doc := openapitest.Load(t)
	var documented []string
	for path, item := range doc.T.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+openapitest.Prefix+path)
		}
	}
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var routed []string
	for _, m := range regexp.MustCompile(`mux\.Handle\("([A-Z]+ /api/v1/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		routed = append(routed, m[1])
	}
	slices.Sort(documented)
	slices.Sort(routed)
	if len(routed) == 0 || !slices.Equal(documented, routed) {
		t.Errorf("openapi.yaml documents\n\t%s\nroutes.go serves\n\t%s", strings.Join(documented, "\n\t"), strings.Join(routed, "\n\t"))
	}
}
