package tools

import "encoding/json"

// cutList drops items from the end of *xs until their JSON takes at most
// room bytes, and returns how many it dropped.
func cutList[T any](xs *[]T, room int) int {
	total := sizeOf(*xs)
	cut := 0
	for total > room && len(*xs) > 0 {
		last := (*xs)[len(*xs)-1]
		total -= sizeOf(last) + 1
		*xs = (*xs)[:len(*xs)-1]
		cut++
	}
	return cut
}

func sizeOf(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}
