// Package openapitest checks agent API traffic in tests against handlers/openapi.yaml, so the
// document cannot drift from what the server answers. Only tests import it.
//
// Every exchange under /api/v1 is checked both ways: the response (status, headers, body) must
// be one the document declares for that operation, and a request the document calls invalid
// must not be accepted by the server (answered 2xx).
package openapitest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Prefix is the path under which the agent API is served and documented.
const Prefix = "/api/v1"

// Doc is the loaded and validated OpenAPI document.
type Doc struct {
	T      *openapi3.T
	router routers.Router
	server string // scheme://host of the document's server, matched by the router
}

// Path returns the location of handlers/openapi.yaml in the source tree.
func Path() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "openapi.yaml")
}

// Load loads handlers/openapi.yaml and fails tb unless it is a valid OpenAPI 3 document.
func Load(tb testing.TB) *Doc {
	tb.Helper()
	d, err := load(context.Background(), Path())
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func load(ctx context.Context, path string) (*Doc, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	t, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, err
	}
	if err := t.Validate(ctx); err != nil {
		return nil, err
	}
	if len(t.Servers) != 1 || !strings.HasSuffix(t.Servers[0].URL, Prefix) {
		return nil, errors.New("openapi.yaml: want exactly one server, ending in " + Prefix)
	}
	r, err := gorillamux.NewRouter(t)
	if err != nil {
		return nil, err
	}
	return &Doc{T: t, router: r, server: strings.TrimSuffix(t.Servers[0].URL, Prefix)}, nil
}

// Check validates one exchange. req is the request as sent (its body is reqBody); status,
// header and body are the response.
func (d *Doc) Check(tb testing.TB, req *http.Request, reqBody []byte, status int, header http.Header, body []byte) {
	tb.Helper()
	if !strings.HasPrefix(req.URL.Path, Prefix+"/") {
		return
	}
	what := req.Method + " " + req.URL.RequestURI()

	// The router matches on the document's server, so present the request as sent to it.
	r := req.Clone(context.Background())
	u := *req.URL
	scheme, host, _ := strings.Cut(d.server, "://")
	u.Scheme, u.Host = scheme, host
	r.URL, r.Host, r.RequestURI = &u, host, ""
	r.Body = io.NopCloser(bytes.NewReader(reqBody))

	route, params, err := d.router.FindRoute(r)
	if err != nil {
		tb.Errorf("openapi: %s is not documented in openapi.yaml: %v", what, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: bearer,
		},
	}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	if reqErr != nil && status/100 == 2 {
		tb.Errorf("openapi: the server accepted %s (%d) although openapi.yaml calls the request invalid: %v", what, status, reqErr)
	}

	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		tb.Errorf("openapi: %s answered %d %s, which openapi.yaml does not allow: %v", what, status, bytes.TrimSpace(body), err)
	}
}

// bearer accepts a request that carries a bearer token at all: whether it is the right one is
// the server's business, and a 401 is checked like any other response.
func bearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "bearer" {
		return errors.New("unknown security scheme " + in.SecuritySchemeName)
	}
	tok, ok := strings.CutPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return errors.New("no bearer token")
	}
	return nil
}

// Handler wraps h so that every exchange under /api/v1 it serves is checked.
func (d *Doc) Handler(tb testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, Prefix+"/") {
			h.ServeHTTP(w, r)
			return
		}
		reqBody := readBody(tb, &r.Body)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		d.Check(tb, r, reqBody, rec.Code, rec.Header(), rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// Client returns an HTTP client whose exchanges under /api/v1 are checked, for tests that
// talk to a real server.
func (d *Doc) Client(tb testing.TB) *http.Client {
	return &http.Client{Transport: roundTripper{d, tb, http.DefaultTransport}}
}

type roundTripper struct {
	d    *Doc
	tb   testing.TB
	next http.RoundTripper
}

func (rt roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	reqBody := readBody(rt.tb, &r.Body)
	resp, err := rt.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body := readBody(rt.tb, &resp.Body)
	rt.d.Check(rt.tb, r, reqBody, resp.StatusCode, resp.Header, body)
	return resp, nil
}

// readBody reads *rc whole and puts back a reader of the same bytes.
func readBody(tb testing.TB, rc *io.ReadCloser) []byte {
	tb.Helper()
	if *rc == nil || *rc == http.NoBody {
		return nil
	}
	b, err := io.ReadAll(*rc)
	(*rc).Close()
	if err != nil {
		tb.Errorf("openapitest: read body: %v", err)
	}
	*rc = io.NopCloser(bytes.NewReader(b))
	return b
}
