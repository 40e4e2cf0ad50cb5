package syntax

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// JSONWriter is a Sink that writes a report as one line of JSON, the same bytes as
// json.Marshal of the whole Report followed by a newline, but as it comes: memory does
// not grow with the number of sets.
type JSONWriter struct {
	w     *bufio.Writer
	err   error
	first []bool // per nesting level: no element written yet
}

// NewJSONWriter returns a JSONWriter writing to w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: bufio.NewWriter(w)} }

// WriteJSON writes the report as a JSONWriter does.
func (r *Report) WriteJSON(w io.Writer) error { return r.Replay(NewJSONWriter(w)) }

func (j *JSONWriter) write(b []byte) {
	if j.err == nil {
		_, j.err = j.w.Write(b)
	}
}

// open writes v marshalled up to the opening bracket of the array at key (an empty array
// in v), and notes a new nesting level.
func (j *JSONWriter) open(v any, key string) {
	j.comma()
	b, err := json.Marshal(v)
	if err != nil {
		j.err = err
		return
	}
	at := bytes.Index(b, []byte(key))
	j.write(b[:at+len(key)-1])
	j.first = append(j.first, true)
}

// comma separates an element from the previous one at the current level.
func (j *JSONWriter) comma() {
	if n := len(j.first); n > 0 {
		if !j.first[n-1] {
			j.write([]byte{','})
		}
		j.first[n-1] = false
	}
}

// close ends the array of the current level and writes the fields of tail (a struct
// marshalled as an object) after it.
func (j *JSONWriter) close(tail any) {
	j.first = j.first[:len(j.first)-1]
	j.write([]byte{']'})
	b, err := json.Marshal(tail)
	if err != nil {
		j.err = err
		return
	}
	if len(b) > 2 {
		j.write([]byte{','})
		j.write(b[1:])
	} else {
		j.write([]byte{'}'})
	}
}

func (j *JSONWriter) Begin(file, standard string) error {
	j.open(&Report{File: file, Standard: standard, Interchanges: []Interchange{}}, `"interchanges":[]`)
	return j.err
}

func (j *JSONWriter) BeginInterchange(ic *Interchange) error {
	cp := *ic
	cp.Groups, cp.Issues, cp.Accepted = []Group{}, nil, false
	j.open(&cp, `"groups":[]`)
	return j.err
}

func (j *JSONWriter) BeginGroup(g *Group) error {
	cp := *g
	cp.Sets, cp.Issues, cp.Accepted = []Set{}, nil, false
	j.open(&cp, `"sets":[]`)
	return j.err
}

func (j *JSONWriter) Set(s *Set) error {
	j.comma()
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	j.write(b)
	return j.err
}

type tail struct {
	Issues   []Issue `json:"issues,omitempty"`
	Accepted bool    `json:"accepted"`
}

func (j *JSONWriter) EndGroup(g *Group) error {
	j.close(&tail{g.Issues, g.Accepted})
	return j.err
}

func (j *JSONWriter) EndInterchange(ic *Interchange) error {
	j.close(&tail{ic.Issues, ic.Accepted})
	return j.err
}

// End closes the document and flushes it.
func (j *JSONWriter) End(issues []Issue) error {
	j.close(&struct {
		Issues []Issue `json:"issues,omitempty"`
	}{issues})
	j.write([]byte{'\n'})
	if j.err != nil {
		return j.err
	}
	return j.w.Flush()
}
