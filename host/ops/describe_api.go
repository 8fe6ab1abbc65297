package ops

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/apidesc"
	"github.com/tabtap/tabtap/host/outfile"
	"github.com/tabtap/tabtap/host/shape"
)

var describeAPI = New(Spec[describeArgs, described, describeResult]{
	Name:  api.DescribeAPI,
	Title: "Describe the API a capture shows",
	Description: "The API the page used, to write a client for it: endpoints by method, origin and path template (ids become {name}: /api/kernels/{kernelId}) " +
		"with count, statuses, query names, content types and JSON Schemas of bodies inferred from every example; WebSockets with message kinds and schemas; " +
		"static files counted. format \"openapi\": an OpenAPI 3.1 document instead. outputPath writes the whole to a new .json file " +
		"(overwrite: true replaces one). What does not fit is counted in unlisted. " +
		`Example: {"sessionId":"s-3f2a-1","urlFilter":"/api/","format":"openapi","outputPath":"app-api.json"}.`,
	Destructive: true, // outputPath with overwrite replaces a file
	Params: []mcp.ToolOption{
		sessionParam(),
		captureParam(),
		mcp.WithString("urlFilter", mcp.Description(urlFilterText)),
		mcp.WithString("format", mcp.Description("summary (the default) or openapi (OpenAPI 3.1)."),
			mcp.Enum(apidesc.FormatSummary, apidesc.FormatOpenAPI)),
		mcp.WithString("outputPath", mcp.Description("Write the whole description to this new .json file: an absolute path, or a bare name for tabtap's captures folder.")),
		mcp.WithBoolean("overwrite", mcp.Description("Let outputPath replace an existing file. Default false.")),
		maxResultParam(),
	},
	Run:      describe,
	Shape:    described.shape,
	Headline: describeHeadline,
})

// describeArgs are describe_api's arguments.
type describeArgs struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId,omitempty"`
	apidesc.Args
	OutputPath     string `json:"outputPath,omitempty"`
	Overwrite      bool   `json:"overwrite,omitempty"`
	MaxResultBytes *int   `json:"maxResultBytes,omitempty"`
}

// describeResult is describe_api's result: the summary, or the OpenAPI
// document, or the summary and the file the whole went to.
type describeResult struct {
	SessionID string `json:"sessionId"`
	CaptureID string `json:"captureId"`
	Format    string `json:"format"`
	*apidesc.Description
	OpenAPI *apidesc.Document `json:"openapi,omitempty"`
	// OutputPath is the file the whole description was written to.
	OutputPath   string `json:"outputPath,omitempty"`
	BytesWritten int64  `json:"bytesWritten,omitempty"`
}

// described is the API a capture shows, and the file it was written to.
type described struct {
	head    describeResult // ids, format, file
	api     *apidesc.API
	endsAll int // endpoints in the whole description, for the headline
}

func describe(_ context.Context, b Backend, a describeArgs) (described, error) {
	format := a.Format
	switch format {
	case "":
		format = apidesc.FormatSummary
	case apidesc.FormatSummary, apidesc.FormatOpenAPI:
	default:
		return described{}, api.Errorf(api.CodeInvalid, "format must be %s or %s, not %q", apidesc.FormatSummary, apidesc.FormatOpenAPI, a.Format)
	}
	path := ""
	if a.OutputPath != "" {
		if !strings.EqualFold(filepath.Ext(a.OutputPath), ".json") {
			return described{}, api.Errorf(api.CodeInvalid, "outputPath %q must end in .json (describe_api writes JSON)", a.OutputPath)
		}
		p, err := outputPath(a.OutputPath, "json", a.Overwrite)
		if err != nil {
			return described{}, err
		}
		path = p
	}
	h, err := b.Capture(a.SessionID, a.CaptureID)
	if err != nil {
		return described{}, err
	}
	data := h.Data()
	desc, err := apidesc.Infer(&data, a.URLFilter)
	if err != nil {
		return described{}, err
	}
	v := described{head: describeResult{SessionID: h.SessionID, CaptureID: h.ID(), Format: format}, api: desc}
	if path != "" {
		var whole any = desc.Whole()
		if format == apidesc.FormatOpenAPI {
			whole = desc.OpenAPI("", 0)
		}
		body, err := api.Encode(whole, true)
		if err != nil {
			return described{}, fmt.Errorf("encoding the description: %w", err)
		}
		err = outfile.Write(outfile.Dir(), path, a.Overwrite, func(w io.Writer) error {
			_, err := w.Write(body)
			return err
		})
		if err != nil {
			return described{}, argumentError(err)
		}
		v.head.OutputPath, v.head.BytesWritten = path, int64(len(body))
	}
	return v, nil
}

// shape is the summary within budget, or the OpenAPI document when no
// file took it.
func (v described) shape(budget int) (describeResult, error) {
	out := v.head
	budget -= shape.Size(out)
	if out.Format == apidesc.FormatOpenAPI && out.OutputPath == "" {
		out.OpenAPI = v.api.OpenAPI("", budget)
		return out, nil
	}
	d := v.api.Summary(budget)
	out.Description = &d
	return out, nil
}

func describeHeadline(r describeResult) string {
	var s string
	switch {
	case r.OpenAPI != nil:
		s = fmt.Sprintf("OpenAPI 3.1 document of the API capture %s shows: %s.", r.CaptureID, count(len(r.OpenAPI.Paths), "path", "paths"))
		if r.OpenAPI.Unlisted > 0 {
			s += fmt.Sprintf(" %s left out (x-unlisted): the least called, or what OpenAPI cannot say; outputPath writes it whole.", count(r.OpenAPI.Unlisted, "operation", "operations"))
		}
		return s
	case r.Description != nil:
		d := r.Description
		s = fmt.Sprintf("The API capture %s shows: %s and %s, from %s.", r.CaptureID,
			count(len(d.Endpoints)+unlisted(d, false), "endpoint", "endpoints"), count(len(d.WebSockets)+unlisted(d, true), "WebSocket", "WebSockets"), count(d.Calls, "call", "calls"))
		if u := d.Unlisted; u != nil {
			s += fmt.Sprintf(" To fit, schemas are %s", cmp.Or(u.Schemas, "whole"))
			if u.Endpoints+u.WebSockets > 0 {
				s += fmt.Sprintf(" and %d of the least called are not listed", u.Endpoints+u.WebSockets)
			}
			s += ": " + u.Hint + "."
		}
	}
	if r.OutputPath != "" {
		s += fmt.Sprintf(" The whole %s (%d bytes) was written to %s.", map[string]string{apidesc.FormatOpenAPI: "OpenAPI document", apidesc.FormatSummary: "description"}[r.Format], r.BytesWritten, r.OutputPath)
	}
	return s
}

func unlisted(d *apidesc.Description, sockets bool) int {
	switch {
	case d.Unlisted == nil:
		return 0
	case sockets:
		return d.Unlisted.WebSockets
	}
	return d.Unlisted.Endpoints
}
