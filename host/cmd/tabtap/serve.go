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
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/tabtap/tabtap/host/mcplink"
)

func serveStdio(ctx context.Context, srv *server.MCPServer, in io.Reader, out io.Writer) error {
	return server.NewStdioServer(srv).Listen(ctx, in, out)
}

// envHTTPToken holds the bearer token of `tabtap mcp --http`.
const envHTTPToken = "TABTAP_HTTP_TOKEN"

// httpToken returns the bearer token HTTP clients must present: from the
// file given with --token-file, else from $TABTAP_HTTP_TOKEN, else none
// (serveHTTP then makes one up). Never from the command line: every local
// user can read a process's arguments.
func httpToken(file string, getenv func(string) string) (string, error) {
	if file != "" {
		fi, err := os.Stat(file)
		if err != nil {
			return "", fmt.Errorf("--token-file: %w", err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			return "", fmt.Errorf("--token-file %s can be read by other users (mode %04o): run `chmod 600 %s`", file, fi.Mode().Perm(), file)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--token-file: %w", err)
		}
		token := strings.TrimSpace(string(b))
		if token == "" {
			return "", fmt.Errorf("--token-file %s is empty: put the token on its first line", file)
		}
		return token, nil
	}
	return strings.TrimSpace(getenv(envHTTPToken)), nil
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
		token = mcplink.NewToken()
		fmt.Fprintf(stderr, "tabtap mcp: HTTP clients must send the header\n  Authorization: Bearer %s\n", token)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "tabtap mcp: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "tabtap mcp: serving MCP on http://%s/mcp\n", ln.Addr())
	h := http.NewServeMux()
	h.Handle("/mcp", guardHTTP(token, ln.Addr().(*net.TCPAddr).Port, server.NewStreamableHTTPServer(srv)))
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

// loopbackHosts are the names the server answers to, with its port.
var loopbackHosts = []string{"127.0.0.1", "localhost", "[::1]"}

// isLoopbackHost reports whether hostport is a loopback name with port.
func isLoopbackHost(hostport string, port int) bool {
	for _, h := range loopbackHosts {
		if strings.EqualFold(hostport, h+":"+strconv.Itoa(port)) {
			return true
		}
	}
	return false
}

// guardHTTP lets a request through only when it is meant for this server
// and comes with the token:
//   - its Host is a loopback name with this server's port, so that a web
//     page whose name was rebound to 127.0.0.1 (DNS rebinding) is refused;
//   - its Origin, when it has one, is this server itself, so that no web
//     page the browser shows can call it;
//   - it carries Authorization: Bearer <token>, compared in constant time.
func guardHTTP(token string, port int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isLoopbackHost(r.Host, port) {
			http.Error(w, fmt.Sprintf("tabtap: this server answers only to 127.0.0.1:%d, localhost:%d or [::1]:%d, not to Host %q", port, port, port, r.Host), http.StatusForbidden)
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" {
			u, err := url.Parse(origin)
			if err != nil || u.Scheme != "http" || !isLoopbackHost(u.Host, port) {
				http.Error(w, fmt.Sprintf("tabtap: requests from web pages (Origin %q) are refused", origin), http.StatusForbidden)
				return
			}
		}
		got, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !bearer || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tabtap"`)
			http.Error(w, "tabtap: missing or wrong bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
