package reproduce_test

import (
	"fmt"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/reproduce"
)

func ExampleWrite() {
	// A request as the capture shows it: its credentials hidden.
	req := &api.Request{
		RequestID: "1000.7", Method: "GET", HeadersRaw: true,
		URL: "https://app.example.com/api/orders?page=2",
		Headers: map[string]string{
			"Accept":          "application/json",
			"Authorization":   "Bearer [redacted]",
			"Cookie":          "sid=[redacted]; theme=dark",
			"Accept-Encoding": "gzip, deflate, br",
			"Sec-Fetch-Mode":  "cors",
		},
	}
	resp := &api.Response{Status: 200, Headers: map[string]string{"content-encoding": "br"}}
	code, err := reproduce.Write(reproduce.Curl, req, resp, reproduce.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Print(code.Code)
	fmt.Println(code.Secrets)
	// Output:
	// # Set the values tabtap hid before running this:
	// #   TABTAP_AUTHORIZATION  header:Authorization
	// #   TABTAP_COOKIE_SID     cookie:sid
	// : "${TABTAP_AUTHORIZATION:?}" "${TABTAP_COOKIE_SID:?}"
	// curl 'https://app.example.com/api/orders?page=2' \
	//   -H 'Accept: application/json' \
	//   -H 'Authorization: Bearer '"$TABTAP_AUTHORIZATION" \
	//   -H 'Cookie: sid='"$TABTAP_COOKIE_SID"'; theme=dark' \
	//   --compressed
	// [{TABTAP_AUTHORIZATION header:Authorization} {TABTAP_COOKIE_SID cookie:sid}]
}
