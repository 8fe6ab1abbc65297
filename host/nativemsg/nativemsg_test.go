package nativemsg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func frame(payload string) []byte {
	b := make([]byte, 4+len(payload))
	binary.NativeEndian.PutUint32(b, uint32(len(payload)))
	copy(b[4:], payload)
	return b
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, MaxToBrowser)
	msgs := []string{`{"a":1}`, `{}`, `{"text":"héllo ✓"}`}
	for _, m := range msgs {
		if err := w.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	r := NewReader(&buf, MaxFromBrowser)
	for _, want := range msgs {
		got, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("after the last frame: got %v, want io.EOF", err)
	}
}

func TestPartialReads(t *testing.T) {
	stream := append(frame(`{"first":true}`), frame(`{"second":true}`)...)
	// One byte per Read call: framing must not depend on how the pipe splits.
	r := NewReader(iotest.OneByteReader(bytes.NewReader(stream)), MaxFromBrowser)
	for _, want := range []string{`{"first":true}`, `{"second":true}`} {
		got, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestTruncatedStream(t *testing.T) {
	full := frame(`{"cut":"here"}`)
	for _, cut := range []int{2, 4, 9} {
		r := NewReader(bytes.NewReader(full[:cut]), MaxFromBrowser)
		_, err := r.Read()
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("cut at %d: got %v, want io.ErrUnexpectedEOF", cut, err)
		}
	}
}

func TestOversizedFrameRefused(t *testing.T) {
	head := make([]byte, 4)
	binary.NativeEndian.PutUint32(head, 100)
	r := NewReader(bytes.NewReader(append(head, strings.Repeat("x", 100)...)), 99)
	if _, err := r.Read(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}

	var out bytes.Buffer
	w := NewWriter(&out, 10)
	if err := w.Write([]byte(strings.Repeat("y", 11))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("write: got %v, want ErrTooLarge", err)
	}
	if out.Len() != 0 {
		t.Fatalf("a refused frame wrote %d bytes", out.Len())
	}
}

func FuzzReader(f *testing.F) {
	f.Add(frame(`{"a":1}`))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), 1<<16)
		for {
			if _, err := r.Read(); err != nil {
				return
			}
		}
	})
}
