package shape

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tabtap/tabtap/host/api"
)

// WriteCapture writes res with all of d as its data, the JSON of a whole
// capture, one record at a time: memory holds one record's JSON, not the
// file's.
func WriteCapture(w io.Writer, res api.StopResult, d *api.Data) error {
	res.Data, res.Overview, res.Truncated, res.HAR = nil, nil, nil, nil
	head, err := api.Encode(res, false)
	if err != nil {
		return fmt.Errorf("encoding the capture: %w", err)
	}
	head = bytes.TrimSuffix(head, []byte("}"))
	if _, err := w.Write(append(head, `,"data":{`...)); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := writeList(w, enc, "requests", d.Requests, true); err != nil {
		return err
	}
	if err := writeList(w, enc, "responses", d.Responses, false); err != nil {
		return err
	}
	if err := writeList(w, enc, "wsFrames", d.WSFrames, false); err != nil {
		return err
	}
	if err := writeList(w, enc, "streamingResponses", d.StreamingResponses, false); err != nil {
		return err
	}
	_, err = io.WriteString(w, "}}\n")
	return err
}

func writeList[T any](w io.Writer, enc *json.Encoder, name string, xs []T, first bool) error {
	sep := ","
	if first {
		sep = ""
	}
	if _, err := fmt.Fprintf(w, "%s%q:[", sep, name); err != nil {
		return err
	}
	for i := range xs {
		if i > 0 {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		if err := enc.Encode(&xs[i]); err != nil {
			return fmt.Errorf("encoding a record of %s: %w", name, err)
		}
	}
	_, err := io.WriteString(w, "]")
	return err
}
