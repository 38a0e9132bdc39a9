package detect

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"
)

// ExitList is the set of Tor exit addresses the detections name as "Tor
// exit node". It is safe for concurrent use: a refresh replaces the whole
// set at once, and the zero ExitList (or a nil one) holds no address.
type ExitList struct {
	cur atomic.Pointer[exitSet]
}

type exitSet struct {
	addrs  map[netip.Addr]struct{}
	source string
	loaded time.Time
}

// Set replaces the list with addrs, read from source at loaded.
func (l *ExitList) Set(addrs map[netip.Addr]struct{}, source string, loaded time.Time) {
	l.cur.Store(&exitSet{addrs: addrs, source: source, loaded: loaded})
}

// Has reports whether ip (text) is a listed Tor exit.
func (l *ExitList) Has(ip string) bool {
	if l == nil || ip == "" {
		return false
	}
	s := l.cur.Load()
	if s == nil || len(s.addrs) == 0 {
		return false
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	_, ok := s.addrs[a.Unmap()]
	return ok
}

// Len is the number of listed addresses, with where and when they were
// read; 0 and zero values before the first Set.
func (l *ExitList) Len() (n int, source string, loaded time.Time) {
	if l == nil {
		return 0, "", time.Time{}
	}
	s := l.cur.Load()
	if s == nil {
		return 0, "", time.Time{}
	}
	return len(s.addrs), s.source, s.loaded
}

// maxExitLine bounds one line of an exit list; the Tor Project's lines are
// under 100 bytes.
const maxExitLine = 4096

// ParseExitList reads the Tor Project's exit lists in either of their
// published formats: the bulk list (one address per line) and the
// exit-addresses document ("ExitAddress 185.220.101.1 2026-12-01 10:02:11"
// lines among ExitNode, Published and LastStatus lines). Blank lines and
// lines starting with '#' are skipped. A line that is neither is an error
// naming it, so that a wrong file (an HTML error page, a proxy list in
// another format) is refused rather than read as empty.
func ParseExitList(r io.Reader) (map[netip.Addr]struct{}, error) {
	addrs := map[netip.Addr]struct{}{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxExitLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		text := fields[0]
		switch fields[0] {
		case "ExitNode", "Published", "LastStatus":
			continue
		case "ExitAddress":
			if len(fields) < 2 {
				return nil, fmt.Errorf("line %d: ExitAddress without an address", n)
			}
			text = fields[1]
		default:
			if len(fields) != 1 {
				return nil, fmt.Errorf("line %d is not an IP address or an ExitAddress line: %q", n, clipLine(line))
			}
		}
		a, err := netip.ParseAddr(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %q is not an IP address", n, clipLine(text))
		}
		addrs[a.Unmap()] = struct{}{}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return addrs, nil
}

func clipLine(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
