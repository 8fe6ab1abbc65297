package mcplink

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/tabtap/tabtap/host/rpc"
)

// Handler serves one request: method is a tool of package ops, or one of
// the link's own operations named in package api.
type Handler func(ctx context.Context, method string, params json.RawMessage) (any, error)

// Server is a daemon's listening socket.
type Server struct {
	dir     string
	reg     Registration
	ln      net.Listener
	http    *http.Server
	handler Handler
	log     *slog.Logger
	clients atomic.Int32
	ctx     context.Context
	cancel  context.CancelFunc
}

// Listen creates the daemon's socket in dir and registers it there. The
// registration's Socket and Token are filled in. A stale socket of the same
// tag (a daemon that died, or one being replaced after the extension
// restarted) is taken over.
func Listen(dir string, reg Registration, h Handler, log *slog.Logger) (*Server, error) {
	if err := EnsureRuntimeDir(dir); err != nil {
		return nil, err
	}
	reg.Socket = SocketPath(dir, reg.Tag)
	reg.Token = NewToken()
	_ = os.Remove(reg.Socket)
	ln, err := net.Listen("unix", reg.Socket)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", reg.Socket, err)
	}
	// Closing the listener would unlink the socket path even when a
	// replacement daemon listens there now: Close removes it only when
	// this server still owns the registration.
	if ul, ok := ln.(*net.UnixListener); ok {
		ul.SetUnlinkOnClose(false)
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(reg.Socket, 0o600); err != nil {
			ln.Close()
			os.Remove(reg.Socket)
			return nil, fmt.Errorf("making the socket private: %w", err)
		}
	}
	if err := writeRegistration(dir, reg); err != nil {
		ln.Close()
		os.Remove(reg.Socket)
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{dir: dir, reg: reg, ln: peerChecked{ln, log}, handler: h, log: log, ctx: ctx, cancel: cancel}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

// peerChecked accepts only connections from processes of this user.
type peerChecked struct {
	net.Listener
	log *slog.Logger
}

func (l peerChecked) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if err := checkPeer(c); err != nil {
			l.log.Warn("refused a connection to the daemon's socket", "err", err)
			c.Close()
			continue
		}
		return c, nil
	}
}

// Registration is what the server registered.
func (s *Server) Registration() Registration { return s.reg }

// Clients counts the MCP processes connected now.
func (s *Server) Clients() int { return int(s.clients.Load()) }

// Serve accepts connections until Close.
func (s *Server) Serve() error {
	err := s.http.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops listening and removes the socket and the registration,
// unless another daemon of the same tag has replaced them already.
func (s *Server) Close() error {
	s.cancel()
	err := s.http.Close()
	if regs, _ := Discover(s.dir); ownsRegistration(regs, s.reg) {
		_ = os.Remove(registrationPath(s.dir, s.reg.Tag))
		_ = os.Remove(s.reg.Socket)
	}
	return err
}

func ownsRegistration(regs []Registration, mine Registration) bool {
	for _, r := range regs {
		if r.Tag == mine.Tag {
			return r.Token == mine.Token
		}
	}
	return false
}

// ServeHTTP checks the token and upgrades to websocket.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !bearer || subtle.ConstantTimeCompare([]byte(token), []byte(s.reg.Token)) != 1 {
		http.Error(w, "tabtap: wrong or missing token", http.StatusUnauthorized)
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.log.Debug("websocket accept", "err", err)
		return
	}
	c.SetReadLimit(maxRequest)
	s.clients.Add(1)
	defer s.clients.Add(-1)
	s.serveConn(c)
}

func (s *Server) serveConn(c *websocket.Conn) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	defer c.CloseNow()
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		m, err := rpc.Decode(b)
		var bad *rpc.Invalid
		switch {
		case errors.As(err, &bad):
			s.log.Warn("a malformed request from an MCP process", "err", err)
			if bad.ID != 0 && bad.Request {
				// Answered, so that the caller does not wait for its timeout.
				go s.write(ctx, c, "", rpc.Message{ID: bad.ID, Error: rpc.Errorf(rpc.CodeInvalidArgument, "%v", err)})
			}
		case m.IsRequest():
			go s.answer(ctx, c, m)
		default:
			s.log.Warn("ignoring a message from an MCP process that is not a request", "method", m.Method, "id", m.ID)
		}
	}
}

func (s *Server) answer(ctx context.Context, c *websocket.Conn, m rpc.Message) {
	out, panicked := rpc.Answer(m, func() (any, error) { return s.handler(ctx, m.Method, m.Params) })
	if panicked != nil {
		s.log.Error("panic serving a request", "method", m.Method, "panic", panicked)
	}
	if ctx.Err() != nil {
		// The connection or the daemon is closing: the client sees the
		// daemon go away (ErrGone), not a bare "context canceled".
		return
	}
	s.write(ctx, c, m.Method, out)
}

// write sends one response.
func (s *Server) write(ctx context.Context, c *websocket.Conn, method string, out rpc.Message) {
	b, err := out.AppendJSON(nil)
	if err != nil {
		s.log.Error("encoding a response", "method", method, "err", err)
		return
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := c.Write(wctx, websocket.MessageText, b); err != nil {
		s.log.Debug("writing a response", "method", method, "err", err)
	}
}
