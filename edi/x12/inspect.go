package x12

import (
	"io"

	"github.com/icss/icss/edi/syntax"
)

// Inspect validates every interchange of src with v (NewValidator() when nil) and
// returns the report. fn, when not nil, is also given each interchange as it ends, for
// acknowledgments. The error is non-nil only when reading failed.
func Inspect(src io.Reader, name string, v *Validator, fn func(*Interchange)) (*syntax.Report, error) {
	if v == nil {
		v = NewValidator()
	}
	rep := &syntax.Report{File: name, Standard: "X12", Interchanges: []syntax.Interchange{}}
	v.OnInterchange = func(ic *Interchange) {
		rep.Interchanges = append(rep.Interchanges, ic.Report())
		if fn != nil {
			fn(ic)
		}
	}
	outside, err := v.Validate(NewReader(src))
	rep.Issues = issues(outside)
	return rep, err
}
