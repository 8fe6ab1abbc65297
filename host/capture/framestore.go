package capture

import (
	"slices"
	"time"
	"unsafe"

	"github.com/tabtap/tabtap/host/api"
)

// WebSocket frames are the commonest record by far (a busy socket sends
// hundreds of thousands), so they are held compactly: a frame is a small
// record without pointers, its socket (id, URL, source) named once in a
// table, its payload appended to large byte blocks. Records sit in chunks
// of fixed size that never move, so the store grows without copying what
// it holds, and the garbage collector has nothing in it to scan. An
// api.WSFrame is made only when a reader asks, its payload a view of the
// block (blocks are written once, never changed).

const (
	frameChunkBits = 13
	frameChunk     = 1 << frameChunkBits // records per chunk
	payloadBlock   = 256 << 10           // bytes per payload block
	ownBlock       = payloadBlock / 8    // a payload this large gets a block of its own
)

// frameStore holds the frames of one capture. Records below len are never
// changed; a frameView of them may be read without the capture's lock.
type frameStore struct {
	chunks  [][]frameRec
	len     int
	blocks  [][]byte
	sockets []frameSocket
	socket  map[frameSocket]uint32
	// redacted holds what a restored capture's frames say redaction hid,
	// by frame index (a live capture's frames are scrubbed as they leave).
	redacted map[int][]string
}

// frameSocket is what frames of one socket share.
type frameSocket struct {
	id, url string
	src     api.Source
}

// frameRec is one frame without its socket and payload.
type frameRec struct {
	at     int64 // wall time, Unix nanoseconds
	length int64 // the payload's size before any cut
	block  uint32
	off    uint32
	size   uint32 // the payload bytes kept, in block at off
	sock   uint32
	opcode uint8
	flags  uint8
}

// The flags of a frameRec.
const (
	frameSent uint8 = 1 << iota
	frameBinary
	frameTruncated
	frameOmitted
	frameNoTime
)

// add appends f to the store.
func (s *frameStore) add(f *api.WSFrame) {
	key := frameSocket{id: f.RequestID, url: f.URL, src: f.Source}
	sock, ok := s.socket[key]
	if !ok {
		if s.socket == nil {
			s.socket = map[frameSocket]uint32{}
		}
		sock = uint32(len(s.sockets))
		s.sockets = append(s.sockets, key)
		s.socket[key] = sock
	}
	r := frameRec{length: int64(f.Length), sock: sock, opcode: uint8(f.Opcode)}
	if f.Timestamp.IsZero() {
		r.flags |= frameNoTime
	} else {
		r.at = f.Timestamp.UnixNano()
	}
	if f.Direction == "sent" {
		r.flags |= frameSent
	}
	if f.Binary {
		r.flags |= frameBinary
	}
	if f.Truncated {
		r.flags |= frameTruncated
	}
	if f.ContentOmitted {
		r.flags |= frameOmitted
	}
	r.block, r.off, r.size = s.keep(f.Payload)
	if len(f.Redacted) > 0 {
		if s.redacted == nil {
			s.redacted = map[int][]string{}
		}
		s.redacted[s.len] = f.Redacted
	}
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last]) == frameChunk {
		s.chunks = append(s.chunks, make([]frameRec, 0, frameChunk))
		last++
	}
	s.chunks[last] = append(s.chunks[last], r)
	s.len++
}

// keep copies a payload into the blocks and says where it is.
func (s *frameStore) keep(p string) (block, off, size uint32) {
	if p == "" {
		return 0, 0, 0
	}
	if len(p) >= ownBlock {
		s.blocks = append(s.blocks, []byte(p))
		return uint32(len(s.blocks) - 1), 0, uint32(len(p))
	}
	last := len(s.blocks) - 1
	if last < 0 || cap(s.blocks[last])-len(s.blocks[last]) < len(p) {
		s.blocks = append(s.blocks, make([]byte, 0, payloadBlock))
		last++
	}
	b := s.blocks[last]
	off = uint32(len(b))
	s.blocks[last] = append(b, p...)
	return uint32(last), off, uint32(len(p))
}

// view returns the frames held now, to be read without the capture's
// lock: what it shares with the store is never written again.
func (s *frameStore) view() frameView {
	return frameView{
		chunks: slices.Clone(s.chunks), len: s.len, blocks: slices.Clone(s.blocks),
		sockets: s.sockets[:len(s.sockets):len(s.sockets)], redacted: s.redacted,
	}
}

// frameView is the frames of a store at one instant.
type frameView struct {
	chunks   [][]frameRec
	len      int
	blocks   [][]byte
	sockets  []frameSocket
	redacted map[int][]string
}

// frame makes frame i as readers see it.
func (v *frameView) frame(i int) api.WSFrame {
	r := &v.chunks[i>>frameChunkBits][i&(frameChunk-1)]
	so := &v.sockets[r.sock]
	f := api.WSFrame{
		RequestID: so.id, URL: so.url, Direction: "received", Opcode: int(r.opcode),
		Binary: r.flags&frameBinary != 0, Length: int(r.length), Truncated: r.flags&frameTruncated != 0,
		ContentOmitted: r.flags&frameOmitted != 0, Source: so.src, Redacted: v.redacted[i],
	}
	if r.flags&frameSent != 0 {
		f.Direction = "sent"
	}
	if r.flags&frameNoTime == 0 {
		f.Timestamp = time.Unix(0, r.at).UTC()
	}
	if r.size > 0 {
		b := v.blocks[r.block][r.off : r.off+r.size]
		f.Payload = unsafe.String(unsafe.SliceData(b), len(b))
	}
	return f
}

// frames makes frames [from, to) as readers see them.
func (v *frameView) frames(from, to int) []api.WSFrame {
	to = min(to, v.len)
	if from >= to {
		return nil
	}
	out := make([]api.WSFrame, to-from)
	for i := range out {
		out[i] = v.frame(from + i)
	}
	return out
}

// of makes the frames of the socket with request id id.
func (v *frameView) of(id string) []api.WSFrame {
	var socks []uint32
	for i := range v.sockets {
		if v.sockets[i].id == id {
			socks = append(socks, uint32(i))
		}
	}
	if len(socks) == 0 {
		return nil
	}
	var out []api.WSFrame
	for i := range v.len {
		if slices.Contains(socks, v.chunks[i>>frameChunkBits][i&(frameChunk-1)].sock) {
			out = append(out, v.frame(i))
		}
	}
	return out
}

// socketIDs calls fn with the request id of every socket that has frames.
func (s *frameStore) socketIDs(fn func(id string)) {
	for i := range s.sockets {
		fn(s.sockets[i].id)
	}
}
