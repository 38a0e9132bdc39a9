package detect

import (
	"slices"
	"time"

	"github.com/oktabot/oktabot/intents"
)

// bySubject groups the events that match by the user each is about
// (subject), in time order; events about no user are left out.
func (tl *timeline) bySubject(match func(intents.Event) bool) map[string][]int {
	out := map[string][]int{}
	for i, e := range tl.events {
		if !match(e) {
			continue
		}
		if u := subject(e); u != "" {
			out[u] = append(out[u], i)
		}
	}
	return out
}

// times are the published times of the events idx.
func (tl *timeline) times(idx []int) []time.Time {
	ts := make([]time.Time, len(idx))
	for k, i := range idx {
		ts[k] = tl.events[i].Published
	}
	return ts
}

// episodes splits the events idx (in time order) where two neighbours are
// more than gap apart: each part is one episode.
func (tl *timeline) episodes(idx []int, gap time.Duration) [][]int {
	var out [][]int
	start := 0
	for k := 1; k <= len(idx); k++ {
		if k < len(idx) && tl.events[idx[k]].Published.Sub(tl.events[idx[k-1]].Published) <= gap {
			continue
		}
		out = append(out, slices.Clone(idx[start:k]))
		start = k
	}
	return out
}

// allBlocked reports whether Okta refused every one of the events idx.
func (tl *timeline) allBlocked(idx []int) bool {
	for _, i := range idx {
		if !blocked(tl.events[i]) {
			return false
		}
	}
	return len(idx) > 0
}

// originOf adds, for findings over several events, the proxy weight of the
// first proxied one and the watch-list weight of the first from a
// watch-listed country; what names the events ("requests").
func (tl *timeline) originOf(ev *evidence, idx []int, what string) {
	if p, ok := tl.firstProxied(idx); ok {
		tl.proxyEvidence(ev, p, what)
	}
	if w, ok := tl.firstWatched(idx); ok {
		tl.watchEvidence(ev, w, what)
	}
}
