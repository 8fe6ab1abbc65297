package mcplink

// Read limits for each side: requests are small, results can hold a whole
// capture. Messages are rpc.Message in both directions:
//
//	request:  {"id": 1, "method": "list_tabs", "params": {…}}
//	response: {"id": 1, "result": {…}}  or  {"id": 1, "error": {"code": "not_found", "message": "…"}}
const (
	maxRequest = 16 << 20
	maxResult  = 1 << 30
)
