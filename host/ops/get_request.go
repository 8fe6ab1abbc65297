package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/outfile"
	"github.com/tabtap/tabtap/host/reproduce"
	"github.com/tabtap/tabtap/host/shape"
)

var getRequest = New(Spec[api.GetRequestArgs, found, api.RequestDetail]{
	Name:  api.GetRequest,
	Title: "Read one request",
	Description: "Everything known about one request: request, response, redirect hops, WebSocket frames or stream messages. " +
		"Its body comes a page at a time: bodyPage says which bytes are shown, continue from bodyPage.nextOffset; frames and stream items page with offset and limit. " +
		"saveBody writes the whole body to a new file in tabtap's captures folder and returns its path, for bodies too large to read here. " +
		"With as, also code that sends the request again, and secrets: the environment variables it reads, one per value redaction hid (name, where).",
	Params: []mcp.ToolOption{
		sessionParam(),
		mcp.WithString("requestId", mcp.Required(), mcp.Description("The id of the request, as the overview, a page of records or a frame shows it.")),
		captureParam(),
		mcp.WithString("body", mcp.Description("Which body bodyOffset, bodyLength and saveBody apply to: response (the default) or request."), mcp.Enum("response", "request")),
		mcp.WithInteger("bodyOffset", mcp.Description("First byte of the body to show (default 0)."), mcp.Min(0)),
		mcp.WithInteger("bodyLength", mcp.Description("Most bytes of the body to show (default: what fits the result)."), mcp.Min(1)),
		mcp.WithBoolean("saveBody", mcp.Description("Write the whole body to a new file in tabtap's captures folder; savedBody.path says where.")),
		mcp.WithInteger("offset", mcp.Description("First WebSocket frame or stream item to show (default 0)."), mcp.Min(0)),
		bounded("limit", "Most frames or stream items to show "+limitText(api.Items)+".", api.Items),
		mcp.WithString("as", mcp.Description("Write the request as code: curl, fetch (Node 18+) or python (standard library)."), mcp.Enum(api.CodeLanguages...)),
		maxResultParam(),
	},
	Run: func(_ context.Context, b Backend, a api.GetRequestArgs) (found, error) {
		h, err := b.Capture(a.SessionID, a.CaptureID)
		if err != nil {
			return found{}, err
		}
		f, err := find(h, a)
		if err == nil && a.As != "" {
			f.code, err = writeCode(h, f.Found, a)
		}
		if err != nil || !a.SaveBody {
			return f, err
		}
		f.saved, err = saveBody(h, f.Found, a)
		return f, err
	},
	Shape:    found.shape,
	Headline: requestHeadline,
})

// found is one request of a capture, and what get_request asks of it.
type found struct {
	*shape.Found
	args                 api.GetRequestArgs
	sessionID, captureID string
	// saved is the file the whole body was written to.
	saved *api.SavedFile
	// code is the request written as code, with as.
	code *reproduce.Code
}

// find looks up the request a's names in h, once a's shaping arguments
// are known to be right.
func find(h Held, a api.GetRequestArgs) (found, error) {
	if a.RequestID == "" {
		return found{}, api.Errorf(api.CodeInvalid, "requestId is required (the overview of stop_network_capture and get_network_capture_data show them)")
	}
	if err := shape.CheckRequest(a); err != nil {
		return found{}, argumentError(err)
	}
	data := h.Records(a.RequestID)
	f, ok := shape.Find(&data, a.RequestID)
	if !ok {
		return found{}, api.Errorf(api.CodeNotFound, "request %s not found in capture %s of session %s (get_network_capture_data lists the request ids)", a.RequestID, h.ID(), h.SessionID)
	}
	return found{Found: f, args: a, sessionID: h.SessionID, captureID: h.ID()}, nil
}

// saveBody writes the whole body a names to a new file in the captures
// folder.
func saveBody(h Held, f *shape.Found, a api.GetRequestArgs) (*api.SavedFile, error) {
	body, mime, err := f.Body(a.Body)
	if err != nil {
		return nil, argumentError(err)
	}
	if len(body) == 0 {
		return nil, api.Errorf(api.CodeConflict, "request %s has no %s body to save", a.RequestID, strings.TrimSpace(a.Body+" "))
	}
	path, err := outfile.New(outfile.Dir(), h.ID()+"_"+a.RequestID, mime, body)
	if err != nil {
		return nil, argumentError(err)
	}
	return &api.SavedFile{Path: path, Bytes: int64(len(body)), MimeType: mime}, nil
}

// writeCode writes the request as code in a.As. A body that would take
// more than half of the result goes to a file in the captures folder,
// which the code reads.
func writeCode(h Held, f *shape.Found, a api.GetRequestArgs) (*reproduce.Code, error) {
	req, resp := f.Request, f.Response
	code, err := reproduce.Write(a.As, req, resp, reproduce.Options{})
	if err != nil {
		return nil, api.Errorf(api.CodeConflict, "%v", err)
	}
	total, err := api.ResultBytes.Or(a.MaxResultBytes)
	if err != nil || len(code.Code) <= shape.Share(total)/2 || req == nil || req.PostData == "" && req.PostDataBase64 == "" {
		return &code, nil
	}
	saved, err := saveBody(h, f, api.GetRequestArgs{RequestID: a.RequestID, Body: "request"})
	if err != nil {
		return nil, err
	}
	code, err = reproduce.Write(a.As, req, resp, reproduce.Options{BodyFile: saved.Path})
	if err != nil {
		return nil, api.Errorf(api.CodeConflict, "%v", err)
	}
	code.Notes = append(code.Notes, fmt.Sprintf("the request's body (%s) is too large for this result: it is in %s, which the code reads", api.Size(saved.Bytes), saved.Path))
	return &code, nil
}

func (f found) shape(budget int) (api.RequestDetail, error) {
	if f.saved != nil {
		budget -= shape.Size(f.saved) + 16
	}
	if f.code != nil {
		budget -= shape.Size(f.code) + 16
	}
	out, err := shape.Request(f.Found, f.args, budget)
	out.SessionID, out.CaptureID, out.SavedBody = f.sessionID, f.captureID, f.saved
	if c := f.code; c != nil {
		out.Code, out.Secrets, out.CodeNotes = c.Code, c.Secrets, c.Notes
		if out.Secrets == nil {
			out.Secrets = []api.Secret{}
		}
	}
	return out, err
}

func requestHeadline(r api.RequestDetail) string {
	s := ""
	switch {
	case r.Request != nil:
		s = fmt.Sprintf("%s %s", r.Request.Method, r.Request.URL)
	case r.Response != nil:
		s = r.Response.URL
	case r.Stream != nil:
		s = r.Stream.URL
	}
	if p := r.Response; p != nil {
		switch {
		case p.Failed:
			s += " failed: " + p.ErrorText
		default:
			s += fmt.Sprintf(" → %d", p.Status)
		}
	}
	s += "."
	if b := r.BodyPage; b != nil {
		s += fmt.Sprintf(" The %s body's bytes %d–%d of %d are shown.", b.Of, b.Offset, b.Offset+b.Length, b.Total)
		if b.NextOffset != nil {
			s += fmt.Sprintf(" Next: bodyOffset %d.", *b.NextOffset)
		}
	}
	if it := r.Items; it != nil {
		s += fmt.Sprintf(" Items %d–%d of %d shown.", it.Offset+min(1, it.Returned), it.Offset+it.Returned, it.Total)
		if it.NextOffset != nil {
			s += fmt.Sprintf(" Next: offset %d.", *it.NextOffset)
		}
	}
	if f := r.SavedBody; f != nil {
		s += fmt.Sprintf(" The whole body (%d bytes) was written to %s.", f.Bytes, f.Path)
	}
	return s
}
