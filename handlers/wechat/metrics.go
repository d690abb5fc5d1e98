package wechat

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// Endpoints of WeChat's API that Client calls, as its metrics name them.
const (
	EndpointStableToken  = "stable_token"
	EndpointCustomSend   = "custom_send"
	EndpointTemplateSend = "template_send"
	EndpointMenuCreate   = "menu_create"
)

// endpoints maps the API paths Client calls to their metric names.
var endpoints = map[string]string{
	"/cgi-bin/stable_token":          EndpointStableToken,
	"/cgi-bin/message/custom/send":   EndpointCustomSend,
	"/cgi-bin/message/template/send": EndpointTemplateSend,
	"/cgi-bin/menu/create":           EndpointMenuCreate,
}

// The errcode label of a call that got no errcode: "network" when no answer came (connection,
// timeout, cancelled), "http" when the answer was not a 200 with a JSON body.
const (
	ErrcodeNetwork = "network"
	ErrcodeHTTP    = "http"
)

// knownErrcodes are the errcodes Client acts on, besides 0: token refused (40001, 42001,
// 40014) and user outside the messaging window (45015, 45047, 43004). Their series exist from
// the start; other errcodes appear when they first happen.
var knownErrcodes = []string{"0", ErrcodeHTTP, ErrcodeNetwork, "40001", "42001", "40014", "45015", "45047", "43004"}

// Metrics counts a Client's calls to WeChat's API. Create one per registry and give it to every
// client in ClientOptions.Metrics.
type Metrics struct {
	calls     *prometheus.CounterVec
	refreshes *prometheus.CounterVec
}

// NewMetrics registers yilianbot_wechat_api_calls_total{endpoint,errcode} and
// yilianbot_wechat_token_refreshes_total{outcome} on reg, with every known series at 0.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yilianbot_wechat_api_calls_total",
			Help: "Calls to WeChat's API by endpoint and errcode: 0 for success, http for a non-200 or non-JSON answer, network for no answer.",
		}, []string{"endpoint", "errcode"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yilianbot_wechat_token_refreshes_total",
			Help: "access_token fetches from WeChat (the cache shared by the replicas was empty or the token refused), by outcome: ok, error.",
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.calls, m.refreshes)
	for _, ep := range endpoints {
		for _, code := range knownErrcodes {
			m.calls.WithLabelValues(ep, code)
		}
	}
	m.refreshes.WithLabelValues("ok")
	m.refreshes.WithLabelValues("error")
	return m
}

func (m *Metrics) call(path, errcode string) {
	if m == nil {
		return
	}
	ep, ok := endpoints[path]
	if !ok {
		ep = "other"
	}
	m.calls.WithLabelValues(ep, errcode).Inc()
}

func (m *Metrics) refresh(err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.refreshes.WithLabelValues(outcome).Inc()
}

// errcodeLabel is the label of an errcode WeChat returned.
func errcodeLabel(code int64) string { return strconv.FormatInt(code, 10) }
