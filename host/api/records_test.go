package api

import "testing"

func TestExchanges(t *testing.T) {
	d := &Data{
		Requests:  []Request{{RequestID: "1", URL: "u1"}, {RequestID: "2", URL: "u2"}},
		Responses: []Response{{RequestID: "3", URL: "u3"}, {RequestID: "1", URL: "u1", Status: 200}, {RequestID: "1", URL: "u1", Status: 500}},
	}
	xs := d.Exchanges()
	if len(xs) != 3 || xs[0].Response.Status != 200 || xs[1].Response != nil || xs[2].Request != nil || xs[2].ID() != "3" || xs[2].URL() != "u3" {
		t.Errorf("%+v", xs)
	}
}
