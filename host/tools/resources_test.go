package tools

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
)

func TestCapturesAreResources(t *testing.T) {
	d := newFakeDaemon("aaaa")
	d.answer(api.ListCaptures, api.ListCapturesResult{Captures: []api.CaptureInfo{{SessionID: "s-aaaa-1", CaptureID: "capture_aaaa_2",
		Browser: d.label, TabID: 3, URL: "https://app.test/", Title: "App", Status: "stopped", StartedBy: "popup", StartTime: t0}}})
	d.ops[api.ReadCapture] = func(p json.RawMessage) (any, error) {
		var a api.ReadCaptureArgs
		json.Unmarshal(p, &a)
		return json.RawMessage(`{"view":"` + a.View + `","captureId":"` + a.CaptureID + `"}`), nil
	}
	s := connect(t, d)
	ctx := context.Background()
	list, err := s.c.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, r := range list.Resources {
		uris = append(uris, r.URI)
	}
	want := "tabtap://captures/s-aaaa-1/capture_aaaa_2/capture.har"
	if len(uris) != 3 || !strings.Contains(strings.Join(uris, " "), want) {
		t.Fatalf("resources %v", uris)
	}
	templates, err := s.c.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
	if err != nil || len(templates.ResourceTemplates) != 1 {
		t.Fatalf("templates: %+v %v", templates, err)
	}
	req := mcp.ReadResourceRequest{}
	req.Params.URI = want
	read, err := s.c.ReadResource(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	tc, ok := read.Contents[0].(mcp.TextResourceContents)
	if !ok || tc.Text != `{"view":"capture.har","captureId":"capture_aaaa_2"}` {
		t.Errorf("read %+v", read.Contents)
	}
	req.Params.URI = "tabtap://captures/nope"
	if _, err := s.c.ReadResource(ctx, req); err == nil {
		t.Error("a malformed capture URI was read")
	}
}

// changingBackend holds one more capture at each call after the first.
type changingBackend struct {
	d     *fakeDaemon
	calls atomic.Int32
}

func (b *changingBackend) Daemons(context.Context) ([]Daemon, error) {
	n := b.calls.Add(1)
	caps := []api.CaptureInfo{}
	for i := range n / 3 {
		caps = append(caps, api.CaptureInfo{SessionID: "s-aaaa-1", CaptureID: "capture_aaaa_" + string(rune('a'+i)), Status: "active"})
	}
	b.d.answer(api.ListCaptures, api.ListCapturesResult{Captures: caps})
	return []Daemon{b.d}, nil
}

func (b *changingBackend) Where() string { return "/run/user/1000/tabtap" }

func TestClientsHearWhenCapturesChange(t *testing.T) {
	b := &changingBackend{d: newFakeDaemon("aaaa")}
	srv := NewServer(b, "test")
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	heard := make(chan struct{}, 16)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationResourcesListChanged {
			heard <- struct{}{}
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	go WatchCaptures(ctx, srv, b, 10*time.Millisecond)
	select {
	case <-heard:
	case <-time.After(10 * time.Second):
		t.Fatal("no resources/list_changed notification")
	}
}
