package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// Probe is one list_tabs call made through `tabtap mcp`, the way an MCP
// client makes it.
type Probe struct {
	// Tabs counts the tabs listed, per browser label; nil when the answer
	// had no list to count.
	Tabs map[string]int
	// Unlisted counts tabs the answer left out to stay small.
	Unlisted int
	// Unreachable are the browsers registered that did not answer, each
	// with why.
	Unreachable []string
	// Elapsed is how long the call took, starting the server included.
	Elapsed time.Duration
	// Err is why the call failed.
	Err error
}

// Summary is "3 tabs (Chromium 156 (9bb6): 3), answered in 180 ms".
func (p *Probe) Summary() string {
	if p.Tabs == nil {
		return fmt.Sprintf("answered in %d ms", p.Elapsed.Milliseconds())
	}
	total := 0
	var browsers []string
	for b, n := range p.Tabs {
		total += n
		browsers = append(browsers, fmt.Sprintf("%s: %d", b, n))
	}
	if p.Unlisted > 0 {
		total += p.Unlisted
		browsers = append(browsers, fmt.Sprintf("%d not listed", p.Unlisted))
	}
	sort.Strings(browsers)
	s := fmt.Sprintf("%d tabs", total)
	if total == 1 {
		s = "1 tab"
	}
	if len(browsers) > 0 {
		s += " (" + strings.Join(browsers, ", ") + ")"
	}
	return fmt.Sprintf("%s, answered in %d ms", s, p.Elapsed.Milliseconds())
}

// probe starts `binary mcp` with runtimeDir as its runtime directory and
// calls list_tabs.
func probe(ctx context.Context, binary, runtimeDir string, timeout time.Duration) *Probe {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	p := &Probe{}
	p.Err = p.listTabs(ctx, binary, runtimeDir)
	p.Elapsed = time.Since(start)
	if errors.Is(p.Err, context.DeadlineExceeded) {
		p.Err = fmt.Errorf("no answer within %s", timeout)
	}
	return p
}

// listTabs makes the call and counts the tabs of the answer.
func (p *Probe) listTabs(ctx context.Context, binary, runtimeDir string) error {
	c, err := client.NewStdioMCPClient(binary, []string{"TABTAP_RUNTIME_DIR=" + runtimeDir}, "mcp")
	if err != nil {
		return fmt.Errorf("start %s mcp: %w", binary, err)
	}
	defer c.Close()
	init := mcp.InitializeRequest{}
	init.Params.ClientInfo = mcp.Implementation{Name: "tabtap-doctor", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return fmt.Errorf("initialize the MCP session: %w", err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "list_tabs"
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return err
	}
	var text []string
	for _, content := range res.Content {
		if t, ok := content.(mcp.TextContent); ok {
			text = append(text, t.Text)
		}
	}
	if res.IsError {
		return errors.New(strings.Join(text, " "))
	}
	var list struct {
		Tabs []struct {
			Browser string `json:"browser"`
		} `json:"tabs"`
		Unlisted    int      `json:"unlisted"`
		Unreachable []string `json:"unreachable"`
	}
	raw, err := json.Marshal(res.StructuredContent)
	if res.StructuredContent == nil || err != nil || json.Unmarshal(raw, &list) != nil || list.Tabs == nil {
		// No structured content: the text may be the JSON itself.
		if json.Unmarshal([]byte(strings.Join(text, "")), &list) != nil {
			return nil // it answered; the count is in words only
		}
	}
	p.Tabs = map[string]int{}
	for _, t := range list.Tabs {
		p.Tabs[t.Browser]++
	}
	p.Unlisted, p.Unreachable = list.Unlisted, list.Unreachable
	return nil
}
