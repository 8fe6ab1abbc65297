//go:build unix

package mcplink

import (
	"fmt"
	"io/fs"
	"syscall"
)

// checkOwner refuses a file another user owns: its sockets and
// registrations could be theirs.
func checkOwner(fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if int(st.Uid) != ownUID() {
		return &foreignOwnerError{owner: int(st.Uid), me: ownUID()}
	}
	return nil
}

// foreignOwnerError says a file belongs to another user.
type foreignOwnerError struct{ owner, me int }

func (e *foreignOwnerError) Error() string {
	return fmt.Sprintf("it belongs to uid %d, not to you (uid %d)", e.owner, e.me)
}

// privateMode says whether the mode bits keep other users out.
const checksMode = true
