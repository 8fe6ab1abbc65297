package search

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture/capturetest"
	"github.com/tabtap/tabtap/host/shape"
)

var load = sync.OnceValue(func() *api.Data { return capturetest.Load(10, 40_000) })

// benchSearch searches the synthetic 10× load capture (20,000 requests,
// 200,000 frames, about 250 MB of text) within the default budget.
//
//	go test ./host/search -run xxx -bench . -benchtime 5x
func benchSearch(b *testing.B, a Args, want func(Result) bool) {
	d := load()
	var r Result
	cpu := capturetest.CPUTime()
	for b.Loop() {
		var err error
		if r, err = Search(context.Background(), d, a); err != nil {
			b.Fatal(err)
		}
		r = r.Fit(shape.Share(api.DefaultResultBytes))
	}
	if !want(r) {
		b.Fatalf("%+v", r)
	}
	b.ReportMetric(float64((capturetest.CPUTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.SetBytes(r.Searched.Bytes)
	b.ReportMetric(float64(r.Searched.Bytes)/1e6, "MB-searched")
	b.ReportMetric(float64(r.Total), "matches")
}

// BenchmarkSearchOnce finds a value that is in one body.
func BenchmarkSearchOnce(b *testing.B) {
	k := 4000*1000 + 3
	benchSearch(b, Args{Query: fmt.Sprintf("%08x-1f2e-4d3c-9b8a-%012x", k, k*7919)}, func(r Result) bool { return r.Total == 1 })
}

// BenchmarkSearchHeader finds a header value that is in one request.
func BenchmarkSearchHeader(b *testing.B) {
	benchSearch(b, Args{Query: "REQ-012345"}, func(r Result) bool { return r.Total == 1 })
}

// BenchmarkSearchEveryFrame finds a word in every frame: 200,000 matches
// counted, a page returned.
func BenchmarkSearchEveryFrame(b *testing.B) {
	benchSearch(b, Args{Query: "tick"}, func(r Result) bool { return r.Total == 198000 && r.Returned == int(api.SearchMatches.Default) })
}

// BenchmarkSearchRegex runs a regular expression over everything.
func BenchmarkSearchRegex(b *testing.B) {
	benchSearch(b, Args{Query: `/"seq":1999\d\d,/`}, func(r Result) bool { return r.Total == 99 })
}

// BenchmarkSearchRegexNoPrefix runs a regular expression with no literal
// to scan for: the regexp engine reads every byte.
func BenchmarkSearchRegexNoPrefix(b *testing.B) {
	benchSearch(b, Args{Query: `/[0-9]{3}-[0-9]{4}-X/`}, func(r Result) bool { return r.Total == 0 })
}
