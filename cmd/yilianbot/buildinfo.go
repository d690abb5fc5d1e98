package main

import (
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// version is the release, set at build time with
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/yilianbot
//
// It is a var only because -X can set nothing else; nothing assigns it at run time.
// Unset, the module version from the build info is used ("(devel)" for a local build).
var version string

// buildInfo returns the version, the VCS revision ("-dirty" when the tree had changes, "unknown"
// when the build recorded none) and the Go release the binary was built with.
func buildInfo() (ver, revision, goVersion string) {
	ver, revision, goVersion = version, "unknown", "unknown"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		if ver == "" {
			ver = "(devel)"
		}
		return ver, revision, goVersion
	}
	goVersion = bi.GoVersion
	if ver == "" {
		ver = bi.Main.Version
	}
	if ver == "" {
		ver = "(devel)"
	}
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && revision != "unknown" {
		revision += "-dirty"
	}
	return ver, revision, goVersion
}

// buildInfoGauge is yilianbot_build_info, always 1, labelled with what buildInfo returns, so
// that dashboards show which release each replica runs.
func buildInfoGauge() prometheus.Collector {
	ver, revision, goVersion := buildInfo()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "yilianbot_build_info",
		Help:        "Always 1; the labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": ver, "revision": revision, "go_version": goVersion},
	})
	g.Set(1)
	return g
}
