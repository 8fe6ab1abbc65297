package tools

import (
	"fmt"
	"strings"

	"github.com/tabtap/tabtap/host/shape"
)

// cutList drops items from the end of *xs until their JSON takes at most
// room bytes, and returns how many it dropped.
func cutList[T any](xs *[]T, room int) int {
	total := shape.Size(*xs)
	cut := 0
	for total > room && len(*xs) > 0 {
		last := (*xs)[len(*xs)-1]
		total -= shape.Size(last) + 1
		*xs = (*xs)[:len(*xs)-1]
		cut++
	}
	return cut
}

// failure says which daemon failed and why, naming it once.
func failure(d Daemon, err error) string {
	if msg := err.Error(); strings.HasPrefix(msg, d.Label()) {
		return msg
	}
	return fmt.Sprintf("%s: %v", d.Label(), err)
}
