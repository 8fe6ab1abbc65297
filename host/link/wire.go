package link

import (
	"encoding/json"

	"github.com/tabtap/tabtap/host/api"
)

// message is one websocket message in either direction:
//
//	request:  {"id": 1, "method": "list_tabs", "params": {…}}
//	response: {"id": 1, "result": {…}}  or  {"id": 1, "error": {"code": "not_found", "message": "…"}}
type message struct {
	ID     int64           `json:"id"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *api.Error      `json:"error,omitempty"`
}

// Read limits for each side: requests are small, results can hold a whole
// capture.
const (
	maxRequest = 16 << 20
	maxResult  = 1 << 30
)
