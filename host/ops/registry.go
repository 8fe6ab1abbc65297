package ops

import "slices"

// registry is every tool, in the order a client shows them. A new tool
// is a file of its own and a line here.
var registry = []Op{
	listTabs,
	initializeSession,
	startCapture,
	captureStatus,
	waitForRequest,
	stopCapture,
	clearCapture,
	listCaptures,
	closeSession,
	getCaptureData,
	getRequest,
	sendRequest,
	searchCapture,
	describeAPI,
}

// All returns every operation, in the order a client shows the tools.
func All() []Op { return slices.Clone(registry) }

// Find returns the operation of a tool by its name.
func Find(name string) (Op, bool) {
	for _, op := range registry {
		if op.Name() == name {
			return op, true
		}
	}
	return nil, false
}
