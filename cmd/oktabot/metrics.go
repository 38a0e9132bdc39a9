package main

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/oktabot/oktabot/bot"
	"github.com/oktabot/oktabot/okta"
)

// metrics are oktabot's Prometheus metrics: requests by kind and outcome
// with their latency, Okta calls by rate-limit bucket and status with their
// latency, time spent waiting for Okta's rate limits, and the watcher's
// health (its lag, events read, incidents opened, alerts suppressed, last
// successful poll).
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	oktaCalls   *prometheus.CounterVec
	oktaLatency *prometheus.HistogramVec
	waits       *prometheus.CounterVec
	// watch is the watcher's latest health (watched); the watch metrics
	// read it when scraped. Its figures are running totals since the bot
	// started, so they are counters as they are.
	watch atomic.Pointer[bot.WatchHealth]
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oktabot_requests_total", Help: "Requests answered, by kind and outcome.",
		}, []string{"kind", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "oktabot_request_duration_seconds", Help: "Time to answer a request, by kind.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60},
		}, []string{"kind"}),
		oktaCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oktabot_okta_calls_total", Help: "HTTP calls to Okta, by Okta rate-limit bucket and status (0: no answer).",
		}, []string{"bucket", "status"}),
		oktaLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "oktabot_okta_call_duration_seconds", Help: "Okta call latency, by Okta rate-limit bucket.",
			Buckets: prometheus.DefBuckets,
		}, []string{"bucket"}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "oktabot_okta_rate_limit_wait_seconds_total", Help: "Time spent waiting for Okta's rate limits, by Okta rate-limit bucket.",
		}, []string{"bucket"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.oktaCalls, m.oktaLatency, m.waits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.watch.Store(&bot.WatchHealth{})
	health := func(f func(bot.WatchHealth) float64) func() float64 {
		return func() float64 { return f(*m.watch.Load()) }
	}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "oktabot_watch_lag_seconds", Help: "How far the newest System Log event the watcher read was behind the time it read it.",
		}, health(func(h bot.WatchHealth) float64 { return h.Lag.Seconds() })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "oktabot_watch_events_read_total", Help: "System Log events the watcher read.",
		}, health(func(h bot.WatchHealth) float64 { return float64(h.EventsRead) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "oktabot_watch_incidents_opened_total", Help: "Incidents the watcher opened.",
		}, health(func(h bot.WatchHealth) float64 { return float64(h.IncidentsOpened) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "oktabot_watch_alerts_suppressed_total", Help: "Findings a false-positive mark kept out of incidents.",
		}, health(func(h bot.WatchHealth) float64 { return float64(h.Suppressed) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "oktabot_watch_last_success_timestamp_seconds", Help: "When the watcher last caught up with the System Log (Unix time; 0: not yet).",
		}, health(func(h bot.WatchHealth) float64 {
			if h.LastOK.IsZero() {
				return 0
			}
			return float64(h.LastOK.UnixNano()) / 1e9
		})),
	)
	return m
}

// watched is the bot's WatchObserve hook: the health after each poll.
func (m *metrics) watched(h bot.WatchHealth) {
	m.watch.Store(&h)
}

// observe is the bot's Observe hook.
func (m *metrics) observe(kind, outcome string, d time.Duration) {
	m.requests.WithLabelValues(kind, outcome).Inc()
	m.latency.WithLabelValues(kind).Observe(d.Seconds())
}

// Call and Wait make metrics an okta.Observer.
func (m *metrics) Call(bucket string, status int, d time.Duration) {
	m.oktaCalls.WithLabelValues(bucket, strconv.Itoa(status)).Inc()
	m.oktaLatency.WithLabelValues(bucket).Observe(d.Seconds())
}

func (m *metrics) Wait(bucket string, d time.Duration) {
	m.waits.WithLabelValues(bucket).Add(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

var _ okta.Observer = (*metrics)(nil)
