package apidesc

import (
	"testing"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/capture/capturetest"
	"github.com/tabtap/tabtap/host/shape"
)

// BenchmarkDescribe describes the synthetic 10× load capture (20,000
// requests, 200,000 frames, about 250 MB of text, 200 MB of it JSON
// bodies) and sums it up within the default budget.
//
//	go test ./host/apidesc -run xxx -bench . -benchtime 3x
func BenchmarkDescribe(b *testing.B) {
	d := capturetest.Load(10, 40_000)
	var out Description
	cpu := capturetest.CPUTime()
	for b.Loop() {
		a, err := Infer(d, "")
		if err != nil {
			b.Fatal(err)
		}
		out = a.Summary(shape.Share(api.DefaultResultBytes))
	}
	if len(out.Endpoints) != 4 || len(out.WebSockets) != 1 {
		b.Fatalf("%s", endpoints(out))
	}
	b.ReportMetric(float64((capturetest.CPUTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(shape.Size(out)), "result-bytes")
}

// BenchmarkOpenAPI writes the same capture's whole OpenAPI document.
func BenchmarkOpenAPI(b *testing.B) {
	d := capturetest.Load(10, 40_000)
	var doc *Document
	cpu := capturetest.CPUTime()
	for b.Loop() {
		a, err := Infer(d, "")
		if err != nil {
			b.Fatal(err)
		}
		doc = a.OpenAPI("app.example", 0)
	}
	b.ReportMetric(float64((capturetest.CPUTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(shape.Size(doc)), "document-bytes")
}
