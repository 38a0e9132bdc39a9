package detect

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// distributed_password_spray: a password spray spread over many
// addresses so that no single IP trips failed_login_burst's stuffing or
// spraying shapes: within Thresholds.DistributedSpray.Window at least IPs
// addresses and Users users, Tries failed sign-ins, and no more than
// MaxPerUser tries per user on average (Elastic's multi-source spray: 5
// IPs, 8 users, 25 tries, ≤ 5 per user in 15 min), looking back from
// each attempt and, for tries per user, ahead from the window's start
// too. Windows with the shape that overlap make one finding, org-wide: it
// names no one user. The streaming engine cannot look ahead: the first
// minutes of a brute force on eight or more users from five or more IPs
// it reports as a spray, and keeps.

const (
	baseDistributedSpray = 50 // High
	wSprayProxies        = 10 // most of the addresses anonymize
	wSprayWide           = 10 // three times the users the shape needs
	wSprayNetworks       = 5  // spread over several networks (a botnet or a proxy pool)
	sprayNetworks        = 3
)

// Distributed is the shape of a credential attack from many IPs against
// many users: at least IPs addresses, Users users and Tries failed
// sign-ins within Window, at most MaxPerUser tries per user on average.
type Distributed struct {
	IPs        int
	Users      int
	Tries      int
	MaxPerUser int
	Window     time.Duration
}

// distributedSpray finds runs of failed sign-ins that, in some window,
// have the distributed shape.
func distributedSpray(tl *timeline) []finding {
	sh := tl.cfg.Thresholds.DistributedSpray
	atts := tl.failedSignIns()
	if len(atts) < sh.Tries {
		return nil
	}
	few := func(tries, users int) bool { return tries <= sh.MaxPerUser*users }
	// ahead[i] holds for the window starting at attempt i: few tries per
	// user. The first minutes of a brute force on a few users have the
	// shape looking back; looking ahead they try each user too often.
	ahead := make([]bool, len(atts))
	users := map[string]int{}
	j := 0
	for i := range atts {
		for j < len(atts) && atts[j].at.Sub(atts[i].at) <= sh.Window {
			users[atts[j].user]++
			j++
		}
		ahead[i] = few(j-i, len(users))
		if users[atts[i].user]--; users[atts[i].user] == 0 {
			delete(users, atts[i].user)
		}
	}
	// cover[k] > 0 marks attempt k as inside some window with the shape.
	cover := make([]int, len(atts)+1)
	ips := map[string]int{}
	clear(users)
	dec := func(m map[string]int, k string) {
		if m[k]--; m[k] == 0 {
			delete(m, k)
		}
	}
	i := 0
	for j, a := range atts {
		ips[a.ip]++
		users[a.user]++
		for a.at.Sub(atts[i].at) > sh.Window {
			dec(ips, atts[i].ip)
			dec(users, atts[i].user)
			i++
		}
		n := j - i + 1
		if len(ips) >= sh.IPs && len(users) >= sh.Users && n >= sh.Tries && few(n, len(users)) && ahead[i] {
			cover[i]++
			cover[j+1]--
		}
	}
	var out []finding
	depth, start := 0, -1
	for k := 0; k <= len(atts); k++ {
		if k < len(atts) {
			depth += cover[k]
		}
		in := k < len(atts) && depth > 0
		if in && start >= 0 && atts[k].at.Sub(atts[k-1].at) > sh.Window {
			out = append(out, tl.sprayFinding(atts[start:k], sh))
			start = -1
		}
		switch {
		case in && start < 0:
			start = k
		case !in && start >= 0:
			out = append(out, tl.sprayFinding(atts[start:k], sh))
			start = -1
		}
	}
	return out
}

func (tl *timeline) sprayFinding(run []attempt, sh Distributed) finding {
	var idx []int
	ips, users, networks := map[string]bool{}, map[string]bool{}, map[int]bool{}
	anon := map[string]bool{}
	for _, a := range run {
		idx = append(idx, a.evs...)
		ips[a.ip], users[a.user] = true, true
		e := tl.events[a.evs[0]]
		if e.Security.ASNumber != 0 {
			networks[e.Security.ASNumber] = true
		}
		if tl.proxy(e) != notProxy {
			anon[a.ip] = true
		}
	}
	first, last := run[0].at, run[len(run)-1].at
	var ev evidence
	ev.add(baseDistributedSpray, "%s for %s from %s within %s, %s tries per user: a password spray spread over many addresses",
		plural(len(run), "failed sign-in", "failed sign-ins"), plural(len(users), "user", "users"), plural(len(ips), "IP", "IPs"),
		span(max(last.Sub(first), time.Second)), fmt.Sprintf("%.1f", float64(len(run))/float64(len(users))))
	if 2*len(anon) >= len(ips) {
		ev.add(wSprayProxies, "%d of the %d IPs are anonymizing proxies or Tor exits", len(anon), len(ips))
	}
	if len(users) >= 3*sh.Users {
		ev.add(wSprayWide, "%d users tried: a sweep of the directory", len(users))
	}
	if len(networks) >= sprayNetworks {
		ev.add(wSprayNetworks, "from %d networks: a botnet or a proxy pool", len(networks))
	}
	names := slices.Sorted(maps.Keys(users))
	sample := names
	if len(sample) > 3 {
		sample = sample[:3]
	}
	more := ""
	if len(names) > len(sample) {
		more = " and " + plural(len(names)-len(sample), "other", "others")
	}
	summary := "Password spray from " + plural(len(ips), "IP", "IPs") + " against " + plural(len(users), "user", "users") +
		" (" + strings.Join(sample, ", ") + more + ") from " + tl.clock(first) + " to " + tl.clock(last)
	return tl.newFinding(DistributedSpray, "", summary, ev, idx)
}
