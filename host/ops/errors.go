package ops

import (
	"errors"

	"github.com/tabtap/tabtap/host/api"
	"github.com/tabtap/tabtap/host/outfile"
	"github.com/tabtap/tabtap/host/shape"
)

// argumentError turns an argument error of package shape or outfile into
// the error a caller sees; others pass as they are.
func argumentError(err error) error {
	var inv shape.Invalid
	var path *outfile.Error
	if errors.As(err, &inv) || errors.As(err, &path) {
		return api.Errorf(api.CodeInvalid, "%v", err)
	}
	return err
}
