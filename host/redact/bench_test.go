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

// BenchmarkLearn is what a Set learns from as events arrive: the URL and
// headers of a request of real Chromium (the recorded page load), a JSON
// API response, and a WebSocket frame. ns/op is per item.
func BenchmarkLearn(b *testing.B) {
	headers := map[string]string{
		"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", "Accept-Encoding": "gzip, deflate, br, zstd",
		"Accept-Language": "en-US,en;q=0.9", "Connection": "keep-alive", "Host": "127.0.0.1:36961", "Sec-Fetch-Dest": "document",
		"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-User": "?1", "Upgrade-Insecure-Requests": "1",
		"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
		"sec-ch-ua":  `"Not:A-Brand";v="8", "Chromium";v="156"`, "sec-ch-ua-mobile": "?0", "sec-ch-ua-platform": `"Linux"`,
		"Referer": "https://app.example/items?page=2", "Cookie": "sid=Zq8vR2mX7kP4wL9t; theme=dark", "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.Zq8vR2mX7kP4wL9tB3nY6cH1",
	}
	api := `{"items":[{"id":1,"name":"item 1","url":"https://cdn.example/img/1.png?w=200"},{"id":2,"name":"item 2"}],"next":"/api/items?page=3","total":120}`
	frame := `{"type":"tick","seq":12345,"price":101.25,"symbol":"TT"}`
	s := NewSet()
	b.Run("request", func(b *testing.B) {
		for b.Loop() {
			s.LearnURL("https://app.example/api/items/42?page=2&sort=name")
			s.LearnHeaders(headers)
		}
	})
	b.Run("response", func(b *testing.B) {
		b.SetBytes(int64(len(api)))
		for b.Loop() {
			s.LearnBody("application/json", api)
		}
	})
	b.Run("frame", func(b *testing.B) {
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			s.LearnBody("", frame)
		}
	})
}

// BenchmarkBundle scrubs a 3 MB script full of names that look secret
// (token, credentials, session, key, auth) with 2,000 learned values, as
// the first read of a bundle does.
func BenchmarkBundle(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 3<<20; i++ {
		fmt.Fprintf(&sb, "function f%d(e){var token=e.token||\"t%d\",session={key:\"k%d\",auth:\"same-origin\"};return fetch(u+\"?token=\"+token,{credentials:\"include\",headers:{Authorization:\"Bearer \"+session.key}})}\n", i, i, i)
	}
	body := sb.String()
	s := NewSet()
	for i := range 2000 {
		s.Learn(fmt.Sprintf("learned-secret-%06d-x", i))
	}
	first := &Scrubber{m: s.Scrubber().m}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		first.Body("text/javascript", body)
	}
}
