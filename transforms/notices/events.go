package notices

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/harmonized"
	"github.com/icss/icss/transforms/risk"
)

// Event is one thing a carrier or terminal must be told about one container of one
// bill: that it is held for exam, or how the exam ended.
type Event struct {
	// Key names the event, the same for every recipient: "<bill key>/<container>/hold/v<record
	// version>" for a hold, "<bill key>/<container>/release/<exam ID>/v<result version>"
	// when an exam ends (whatever its action). The ledger records it once per recipient.
	Key         string      `json:"key"`
	Kind        Action      `json:"kind"` // Hold for a selection, Release for an exam's end
	Disposition Disposition `json:"disposition"`
	BillKey     string      `json:"bill_key"`
	Container   string      `json:"container"`
	// ExamID, ResultVersion and Outcome are the exam's, for an exam's end.
	ExamID        string       `json:"exam_id,omitempty"`
	ResultVersion int          `json:"result_version,omitempty"`
	Outcome       exam.Outcome `json:"outcome,omitempty"`
	// BoltSeal is the high-security seal applied after the exam, when one was.
	BoltSeal string `json:"bolt_seal,omitempty"`
	// Port is the UN/LOCODE of the port of examination.
	Port string `json:"port,omitempty"`
	// At dates the notice: when it was built for a hold, the exam's time at its end.
	At time.Time `json:"at"`
	// Record is the bill version the notice answers (its filing, conveyance, port).
	Record *harmonized.Record `json:"-"`
}

// Skip is an event that cannot be sent, and why: a filer without an EDI route, a
// result whose bill is not among the records...
type Skip struct {
	Key string `json:"key"`
	// Recipient is the recipient's Ledger name.
	Recipient string `json:"recipient,omitempty"`
	Reason    string `json:"reason"`
}

// lines calls fn with each non-blank line of r and its 1-based number.
func lines(r io.Reader, fn func(n int, line []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if ferr := fn(n, line); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// inputs holds what Build read: the selected assessments, the records they and the
// results name, and the results.
type inputs struct {
	selected []risk.Assessment
	byIndex  map[int64]*harmonized.Record
	byKey    map[string][]*harmonized.Record // versions of the bills the results name
	results  []exam.Result
}

func readInputs(in Inputs) (*inputs, error) {
	st := &inputs{byIndex: map[int64]*harmonized.Record{}, byKey: map[string][]*harmonized.Record{}}
	want := map[int64]int{} // record index -> line of the assessment naming it
	err := lines(in.Assessments, func(n int, line []byte) error {
		var a risk.Assessment
		if err := json.Unmarshal(line, &a); err != nil {
			return fmt.Errorf("%s: line %d: %w", name(in.AssessmentsName, "assessments"), n, err)
		}
		if a.Selected {
			if a.Index < 0 {
				return fmt.Errorf("%s: line %d: index %d is negative", name(in.AssessmentsName, "assessments"), n, a.Index)
			}
			st.selected = append(st.selected, a)
			want[a.Index] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	resultKeys := map[string]bool{}
	if in.Results != nil {
		err := lines(in.Results, func(n int, line []byte) error {
			var r exam.Result
			if err := json.Unmarshal(line, &r); err != nil {
				return fmt.Errorf("%s: line %d: %w", name(in.ResultsName, "results"), n, err)
			}
			if r.Schema != exam.ResultSchema {
				return fmt.Errorf("%s: line %d: schema %q, want %q", name(in.ResultsName, "results"), n, r.Schema, exam.ResultSchema)
			}
			if r.ExamID == "" || r.Container == "" || !r.Outcome.Valid() || r.Version < 1 {
				return fmt.Errorf("%s: line %d: exam ID, container, version and a known outcome are required", name(in.ResultsName, "results"), n)
			}
			st.results = append(st.results, r)
			for _, b := range r.Bills {
				resultKeys[b.Key] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var index int64
	err = lines(in.Records, func(n int, line []byte) error {
		i := index
		index++
		_, selected := want[i]
		if !selected {
			// Most records are neither selected nor named by a result: their key,
			// which the encoder writes near the start, is enough to pass them by.
			if k, ok := peekKey(line); len(resultKeys) == 0 || ok && !resultKeys[k] {
				return nil
			}
		}
		var rec harmonized.Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("%s: line %d: %w", name(in.RecordsName, "records"), n, err)
		}
		if selected {
			st.byIndex[i] = &rec
		}
		if resultKeys[rec.Key] {
			st.byKey[rec.Key] = append(st.byKey[rec.Key], &rec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range st.selected {
		rec := st.byIndex[a.Index]
		switch {
		case rec == nil:
			return nil, fmt.Errorf("%s: line %d: index %d is past the %d records of %s", name(in.AssessmentsName, "assessments"), want[a.Index], a.Index, index, name(in.RecordsName, "records"))
		case rec.Key != a.Key:
			return nil, fmt.Errorf("%s: line %d: record %d of %s is bill %s, the assessment is of %s (not the records that were scored?)",
				name(in.AssessmentsName, "assessments"), want[a.Index], a.Index, name(in.RecordsName, "records"), rec.Key, a.Key)
		}
	}
	return st, nil
}

// peekKey reads a record's key from the first bytes of its line, where
// harmonized's encoder puts it; ok is false when it is not there plainly written.
func peekKey(line []byte) (key string, ok bool) {
	head := line[:min(len(line), 512)]
	i := bytes.Index(head, []byte(`"key":"`))
	if i < 0 {
		return "", false
	}
	rest := head[i+len(`"key":"`):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || bytes.IndexByte(rest[:j], '\\') >= 0 {
		return "", false
	}
	return string(rest[:j]), true
}

func name(n, def string) string {
	if n == "" {
		return def
	}
	return n
}

// holds returns one hold event per container of each selected bill.
func (st *inputs) holds(codes *Codes, now time.Time, skip func(Skip)) []Event {
	var out []Event
	for _, a := range st.selected {
		rec := st.byIndex[a.Index]
		if len(rec.Equipment) == 0 {
			skip(Skip{Key: rec.Key, Reason: "the bill names no container"})
			continue
		}
		for _, eq := range rec.Equipment {
			out = append(out, Event{
				Key:  fmt.Sprintf("%s/%s/hold/v%d", rec.Key, eq.Number, rec.Filing.Version),
				Kind: Hold, Disposition: codes.Hold, BillKey: rec.Key, Container: eq.Number,
				Port: a.Port, At: now, Record: rec,
			})
		}
	}
	return out
}

// releases returns one event per bill of each exam result.
func (st *inputs) releases(codes *Codes, skip func(Skip)) ([]Event, error) {
	var out []Event
	for _, r := range st.results {
		d, err := codes.ForOutcome(r.Outcome)
		if err != nil {
			return nil, err
		}
		at := r.RecordedAt
		if r.ExaminedAt != nil {
			at = *r.ExaminedAt
		}
		for _, b := range r.Bills {
			key := fmt.Sprintf("%s/%s/release/%s/v%d", b.Key, r.Container, r.ExamID, r.Version)
			rec := st.record(b.Key, b.Version)
			if rec == nil {
				skip(Skip{Key: key, Reason: "bill " + b.Key + " is not among the records"})
				continue
			}
			out = append(out, Event{
				Key: key, Kind: Release, Disposition: d, BillKey: b.Key, Container: r.Container,
				ExamID: r.ExamID, ResultVersion: r.Version, Outcome: r.Outcome, BoltSeal: r.BoltSeal,
				Port: r.Port, At: at, Record: rec,
			})
		}
	}
	return out, nil
}

// record returns the bill's record of the version assessed, else its latest one.
func (st *inputs) record(key string, version int) *harmonized.Record {
	var latest *harmonized.Record
	for _, rec := range st.byKey[key] {
		if rec.Filing.Version == version {
			return rec
		}
		if latest == nil || rec.Filing.Version >= latest.Filing.Version {
			latest = rec
		}
	}
	return latest
}
