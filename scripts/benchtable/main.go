// Command benchtable reads `go test -bench` output on stdin and prints
// oktabot's benchmark figures as a Markdown table beside their goals
// (issue 7): benchmark, metric, value, goal, met?. It exits 1 when a goal
// is missed or a benchmark with a goal reported nothing (it failed or did
// not run), and 2 on a usage or read error. scripts/bench runs it.
//
// It must not run benchmarks itself, read anything but stdin, or depend
// on anything outside the standard library.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// goal is one figure a benchmark reports and, when op is set, the bound
// it must meet.
type goal struct {
	bench, metric string
	op            string // "<=", ">=" or "" (reported, no goal)
	bound         float64
}

// issueGoals are the figures of issue 7, in the order of the table.
func issueGoals() []goal {
	return []goal{
		{"BenchmarkLogScan", "events/s", "", 0},
		{"BenchmarkLogScan", "x-sdk", ">=", 3},
		{"BenchmarkLogScan", "peak-heap-MiB", "<=", 64},
		{"BenchmarkLogScan", "sdk-events/s", "", 0},
		{"BenchmarkLogScan", "sdk-peak-heap-MiB", "", 0},
		{"BenchmarkMFAScan", "x-floor", "<=", 1.15},
		{"BenchmarkMFAScan", "failed-calls", "<=", 0},
		{"BenchmarkMFAScan", "rescanned", "<=", 0},
		{"BenchmarkInvestigate", "x-roundtrip", "<=", 3},
		{"BenchmarkInvestigate", "x-roundtrip-seq", "", 0},
		{"BenchmarkInvestigate", "x-roundtrip-100ms", "", 0},
		{"BenchmarkInvestigate", "x-roundtrip-seq-100ms", "", 0},
		{"BenchmarkLogScanLatency", "x-sdk-100ms", "", 0},
		{"BenchmarkAck", "ack-p50-ms", "", 0},
		{"BenchmarkAck", "ack-p99-ms", "<=", 50},
		{"BenchmarkDecide", "decide-p99-ms", "<=", 5},
		{"BenchmarkDecideEtcd", "decide-etcd-p99-ms", "", 0}, // beside bbolt's, on one fsyncing etcd member
		// Issue 12: ten user lookups behind eight threat sweeps answer
		// within 2 s.
		{"BenchmarkLookupsBehindSweeps/alone", "lookups-ms", "", 0},
		{"BenchmarkLookupsBehindSweeps/lanes", "lookups-ms", "<=", 2000},
		{"BenchmarkLookupsBehindSweeps/lanes", "sweeps-ms", "", 0},
		{"BenchmarkLookupsBehindSweeps/one-pool", "lookups-ms", "", 0},
		{"BenchmarkLookupsBehindSweeps/one-pool", "sweeps-ms", "", 0},
		// Issue 14: the streaming detections' windows for 50,000 active
		// users, and `threats 7d` over a million events, in 256 MiB.
		{"BenchmarkEngineHeap", "watch-heap-MiB", "<=", 256},
		{"BenchmarkSweepMillion", "sweep-heap-MiB", "<=", 256},
		{"BenchmarkSweepMillion", "events/s", "", 0},
		{"BenchmarkWatch", "alert-p99-s", "<=", 3}, // the 1 s interval plus 2 s
		{"BenchmarkWatch", "alert-p50-s", "", 0},
	}
}

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: go test -bench ... | benchtable")
		os.Exit(2)
	}
	results, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	if !table(os.Stdout, results, issueGoals()) {
		os.Exit(1)
	}
}

// parse reads benchmark lines ("BenchmarkX-2  N  123 ns/op  4.5 unit …")
// into benchmark → metric → value. A benchmark reported more than once
// (-count) keeps its last figures.
func parse(r io.Reader) (map[string]map[string]float64, error) {
	out := map[string]map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a log line that starts with a benchmark's name
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the GOMAXPROCS suffix
			}
		}
		m := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			m[f[i+1]] = v
		}
		out[name] = m
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return out, nil
}

// table writes the Markdown table and reports whether every goal was met.
func table(w io.Writer, results map[string]map[string]float64, goals []goal) bool {
	ok := true
	fmt.Fprintln(w, "| benchmark | metric | value | goal | met? |")
	fmt.Fprintln(w, "|---|---|---:|---|---|")
	for _, g := range goals {
		target, met := "", ""
		if g.op != "" {
			target = g.op + " " + strconv.FormatFloat(g.bound, 'f', -1, 64)
		}
		v, found := results[g.bench][g.metric]
		value := "missing"
		if found {
			value = format(v)
		}
		switch {
		case g.op == "":
		case !found:
			met, ok = "no (did not run)", false
		case g.op == "<=" && v <= g.bound, g.op == ">=" && v >= g.bound:
			met = "yes"
		default:
			met, ok = "**no**", false
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", strings.TrimPrefix(g.bench, "Benchmark"), g.metric, value, target, met)
	}
	return ok
}

// format prints a figure with three significant digits, at least.
func format(v float64) string {
	switch {
	case v >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}
