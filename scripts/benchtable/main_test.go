package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/oktabot/oktabot/okta
cpu: AMD EPYC
BenchmarkLogScan-2   	       1	42838188735 ns/op	     26297 events/s	        26.67 peak-heap-MiB	      5677 sdk-events/s	        41.52 sdk-peak-heap-MiB	         4.632 x-sdk
BenchmarkInvestigate-2   	      20	 435112770 ns/op	         5.000 calls	         5.000 calls-seq	         2.862 x-roundtrip	         5.840 x-roundtrip-seq
    investigate_bench_test.go:10: BenchmarkInvestigate noted something
PASS
ok  	github.com/oktabot/oktabot/okta	69.855s
BenchmarkAck-2   	       5	1438033323 ns/op	         4.653 ack-p50-ms	         7.497 ack-p99-ms
BenchmarkDecide   	    2000	    671291 ns/op	         7.449 decide-p99-ms
`

func TestParse(t *testing.T) {
	got, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatalf("parse() error = %v", err)
	}
	want := map[string]map[string]float64{
		"BenchmarkLogScan": {"ns/op": 42838188735, "events/s": 26297, "peak-heap-MiB": 26.67, "sdk-events/s": 5677,
			"sdk-peak-heap-MiB": 41.52, "x-sdk": 4.632},
		"BenchmarkInvestigate": {"ns/op": 435112770, "calls": 5, "calls-seq": 5, "x-roundtrip": 2.862, "x-roundtrip-seq": 5.84},
		"BenchmarkAck":         {"ns/op": 1438033323, "ack-p50-ms": 4.653, "ack-p99-ms": 7.497},
		"BenchmarkDecide":      {"ns/op": 671291, "decide-p99-ms": 7.449},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parse(sample) (-want +got):\n%s", diff)
	}
}

func TestTable(t *testing.T) {
	results, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		goals  []goal
		wantOK bool
		want   []string // rows that must appear
	}{
		{"met", []goal{{"BenchmarkLogScan", "x-sdk", ">=", 3}, {"BenchmarkAck", "ack-p99-ms", "<=", 50}}, true,
			[]string{"| LogScan | x-sdk | 4.63 | >= 3 | yes |", "| Ack | ack-p99-ms | 7.50 | <= 50 | yes |"}},
		{"missed", []goal{{"BenchmarkDecide", "decide-p99-ms", "<=", 5}}, false,
			[]string{"| Decide | decide-p99-ms | 7.45 | <= 5 | **no** |"}},
		{"did not run", []goal{{"BenchmarkMFAScan", "x-floor", "<=", 1.15}}, false,
			[]string{"| MFAScan | x-floor | missing | <= 1.15 | no (did not run) |"}},
		{"no goal", []goal{{"BenchmarkLogScan", "events/s", "", 0}}, true,
			[]string{"| LogScan | events/s | 26297 |  |  |"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if ok := table(&b, results, tt.goals); ok != tt.wantOK {
				t.Errorf("table() = %v, want %v", ok, tt.wantOK)
			}
			for _, row := range tt.want {
				if !strings.Contains(b.String(), row+"\n") {
					t.Errorf("table() lacks the row %q:\n%s", row, b.String())
				}
			}
		})
	}
}
