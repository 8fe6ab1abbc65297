package redact

import (
	"fmt"
	"strings"
	"testing"
)

// benchBody is about 1 MiB of the text a capture holds: JSON, script and
// HTML, with a few secrets in it.
func benchBody() string {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, `{"id":%d,"name":"item %d","url":"https://cdn.example/img/%d.png?w=200","tags":["a","b"],"session_id":"sess-%08d"}`+"\n", i, i, i, i)
		fmt.Fprintf(&b, "function f%d(a,b){return a?b:c.map(x=>x+%d)}; var s = 'x:y';\n", i, i)
		fmt.Fprintf(&b, `<div class="row"><a href="/item/%d?ref=home&amp;page=2">item %d</a></div>`+"\n", i, i)
	}
	return b.String()
}

// BenchmarkBody scrubs 1 MiB of text with 0 and 2,000 learned values: the
// throughput (MB/s) of a first scrub says how long a capture of 256 MiB
// takes to leave the engine the first time; "again" is every later time,
// from the scrubber's cache.
func BenchmarkBody(b *testing.B) {
	body := benchBody()
	for _, n := range []int{0, 2000} {
		s := NewSet()
		for i := range n {
			s.Learn(fmt.Sprintf("learned-secret-%06d-x", i))
		}
		sc := s.Scrubber()
		first := &Scrubber{m: sc.m} // no cache: every call scrubs
		b.Run(fmt.Sprintf("learned=%d/first", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				first.Body("application/json", body)
			}
		})
		b.Run(fmt.Sprintf("learned=%d/again", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				sc.Body("application/json", body)
			}
		})
	}
}

// BenchmarkLearned is the learned-value pass alone, against
// strings.Replacer doing the same job.
func BenchmarkLearned(b *testing.B) {
	body := benchBody()
	s := NewSet()
	var pairs []string
	for i := range 2000 {
		v := fmt.Sprintf("learned-secret-%06d-x", i)
		s.Learn(v)
		pairs = append(pairs, v, Redacted)
	}
	sc := s.Scrubber()
	b.Run("matcher", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			sc.Text(body)
		}
	})
	r := strings.NewReplacer(pairs...)
	b.Run("strings.Replacer", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			r.Replace(body)
		}
	})
}
