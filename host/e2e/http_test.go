package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/ops"
)

// TestMCPOverStreamableHTTP serves the tools with `tabtap mcp --http` to an
// MCP client that cannot start a process: without the bearer token it is
// turned away; with it, it reaches the browser like a stdio client.
func TestMCPOverStreamableHTTP(t *testing.T) {
	e := newEnv(t)
	const token = "e2e-http-token"
	cmd := exec.Command(e.binary, "mcp", "--http", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "TABTAP_RUNTIME_DIR="+e.runtimeDir, "TABTAP_HTTP_TOKEN="+token)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	endpoint := ""
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		if _, u, ok := strings.Cut(lines.Text(), "serving MCP on "); ok {
			endpoint = strings.TrimSpace(u)
			break
		}
	}
	if endpoint == "" {
		t.Fatal("tabtap mcp --http did not say where it serves")
	}
	go func() {
		for lines.Scan() {
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	connect := func(headers map[string]string) (*client.Client, error) {
		c, err := client.NewStreamableHttpClient(endpoint, transport.WithHTTPHeaders(headers))
		if err != nil {
			return nil, err
		}
		if err := c.Start(ctx); err != nil {
			return nil, err
		}
		init := mcp.InitializeRequest{}
		init.Params.ClientInfo = mcp.Implementation{Name: "tabtap-e2e-http", Version: "1"}
		if _, err := c.Initialize(ctx, init); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
	if c, err := connect(map[string]string{"Authorization": "Bearer wrong"}); err == nil {
		c.Close()
		t.Fatal("a client with the wrong token was let in")
	}
	if c, err := connect(map[string]string{"Authorization": "Bearer " + token, "Origin": "https://evil.example"}); err == nil {
		c.Close()
		t.Fatal("a client from a foreign Origin was let in")
	}
	c, err := connect(map[string]string{"Authorization": "Bearer " + token})
	if err != nil {
		t.Fatalf("connecting with the token: %v", err)
	}
	defer c.Close()
	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil || len(tools.Tools) != len(ops.All()) {
		t.Fatalf("tools/list over HTTP: %v, %d tools, want the registry's %d", err, len(tools.Tools), len(ops.All()))
	}

	e.launch()
	req := mcp.CallToolRequest{}
	req.Params.Name = api.ListTabs
	res, err := c.CallTool(ctx, req)
	if err != nil || res.IsError || !strings.Contains(text(res), "about:blank") {
		t.Fatalf("list_tabs over HTTP: %v %s", err, text(res))
	}
}
