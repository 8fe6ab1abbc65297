// Package nativemsg reads and writes the frames of Chrome's native messaging:
// a 4-byte length in the machine's byte order, then that many bytes of UTF-8
// JSON. It knows the size limits of each direction and nothing of what the
// frames mean; package extension gives them meaning.
package nativemsg

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Size limits Chrome enforces on each direction.
const (
	// MaxToBrowser is the largest frame a host may send: a larger one makes
	// Chrome close the port.
	MaxToBrowser = 1024 * 1024
	// MaxFromBrowser is the largest frame Chrome sends to a host.
	MaxFromBrowser = 64 * 1024 * 1024
)

// ErrTooLarge reports a frame over its direction's limit.
var ErrTooLarge = errors.New("native message too large")

// Reader reads frames from the browser.
type Reader struct {
	r   *bufio.Reader
	max int
}

// NewReader returns a Reader that refuses frames longer than max bytes.
func NewReader(r io.Reader, max int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64*1024), max: max}
}

// Read returns the next frame's payload. It returns io.EOF when the stream
// ends cleanly between frames and io.ErrUnexpectedEOF when it ends inside
// one. A length over the limit means the stream can no longer be trusted:
// Read returns an error wrapping ErrTooLarge and the caller should stop.
func (r *Reader) Read() ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r.r, head[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("reading native message length: %w", err)
		}
		return nil, err
	}
	n := binary.NativeEndian.Uint32(head[:])
	if int64(n) > int64(r.max) {
		return nil, fmt.Errorf("%w: frame of %d bytes, limit %d", ErrTooLarge, n, r.max)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r.r, buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("reading native message of %d bytes: %w", n, err)
	}
	return buf, nil
}

// Writer writes frames to the browser. It is safe for concurrent use; each
// frame is written whole.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	max int
}

// NewWriter returns a Writer that refuses frames longer than max bytes.
func NewWriter(w io.Writer, max int) *Writer {
	return &Writer{w: w, max: max}
}

// Max is the largest payload Write accepts.
func (w *Writer) Max() int { return w.max }

// Write sends payload as one frame. A payload over the limit is refused with
// an error wrapping ErrTooLarge and nothing is written.
func (w *Writer) Write(payload []byte) error {
	if len(payload) > w.max {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(payload), w.max)
	}
	frame := make([]byte, 4+len(payload))
	binary.NativeEndian.PutUint32(frame, uint32(len(payload)))
	copy(frame[4:], payload)
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.w.Write(frame); err != nil {
		return fmt.Errorf("writing native message: %w", err)
	}
	return nil
}
