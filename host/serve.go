package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/tabtap/tabtap/host/link"
)

func serveStdio(ctx context.Context, srv *server.MCPServer, in io.Reader, out io.Writer) error {
	return server.NewStdioServer(srv).Listen(ctx, in, out)
}

// serveHTTP serves the MCP tools over Streamable HTTP on a loopback
// address, for clients that cannot start a process.
func serveHTTP(ctx context.Context, srv *server.MCPServer, addr, token string, log *slog.Logger, stderr io.Writer) int {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(stderr, "tabtap mcp: --http %q: %v\n", addr, err)
		return 2
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(stderr, "tabtap mcp: --http must be a loopback address (127.0.0.1:PORT or [::1]:PORT), not %q: captures hold your signed-in traffic\n", addr)
		return 2
	}
	if token == "" {
		token = link.NewToken()
		fmt.Fprintf(stderr, "tabtap mcp: HTTP clients must send the header\n  Authorization: Bearer %s\n", token)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "tabtap mcp: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "tabtap mcp: serving MCP on http://%s/mcp\n", ln.Addr())
	mcpHandler := server.NewStreamableHTTPServer(srv)
	h := http.NewServeMux()
	h.Handle("/mcp", requireToken(token, mcpHandler))
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("http server", "err", err)
		return 1
	}
	return 0
}

func requireToken(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tabtap"`)
			http.Error(w, "tabtap: missing or wrong bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
