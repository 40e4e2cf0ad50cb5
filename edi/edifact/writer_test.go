package edifact_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/icss/icss/edi/edifact"
	"github.com/icss/icss/edi/syntax"
)

// Every sample and conformance file, written again with other delimiters (and a UNA
// saying so), reads back to the same values.
func TestWriterChangesDelimiters(t *testing.T) {
	t.Parallel()
	odd := edifact.Delimiters{Component: '#', Element: '|', Decimal: ',', Release: '!', Repetition: '^', Terminator: '~'}
	inputs := chunkInputs(t)
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := values(data)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			w := edifact.NewWriter(&buf)
			w.Delimiters = odd
			if err := w.WriteUNA(); err != nil {
				t.Fatal(err)
			}
			rd := edifact.NewReader(bytes.NewReader(data))
			for {
				s, err := rd.Read()
				if s == nil && err != nil {
					if errors.Is(err, io.EOF) {
						break
					}
					continue
				}
				if s.Tag() == "UNA" {
					continue
				}
				if s.Tag() == "UNB" {
					if err := w.WriteUNA(); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Write(s); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			got, err := values(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d segments, want %d\n%s", len(got), len(want), buf.Bytes())
			}
			for i := range got {
				if got[i].tag != want[i].tag || !equal(got[i].elems, want[i].elems) {
					t.Fatalf("segment %d: %v, want %v", i+1, got[i], want[i])
				}
			}
		})
	}
}

func TestWriteSegmentErrors(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf)
	if err := w.WriteSegment("TOOLONG"); err == nil {
		t.Error("a four-letter tag was written")
	}
	w.Delimiters = edifact.Delimiters{Component: ':', Element: '+', Decimal: '.', Terminator: '\''}
	if err := w.WriteSegment("FTX", []string{"A+B"}); err == nil || !strings.Contains(err.Error(), "no release character") {
		t.Errorf("got %v, want an error for a separator without release character", err)
	}
}

// A segment the reader rejects still counts in its message's UNT total, so one bad
// segment gives one finding, not a count mismatch as well.
func TestUnreadableSegmentCounts(t *testing.T) {
	t.Parallel()
	in := "UNB+UNOA:3+S+R+260101:1200+1'UNH+1+ZZZ:D:1:UN'bad+1'UNT+3+1'UNZ+1+1'"
	rep, err := edifact.Inspect(strings.NewReader(in), edifact.InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := issueKeys(rep)
	if len(got) != 1 || got[0] != "error 0085:12 " {
		t.Errorf("got %q, want only the bad tag", got)
	}
}

// Findings are capped per level so that a hopeless input cannot grow the report
// without bound; the cap keeps an error an error.
func TestIssuesAreCapped(t *testing.T) {
	t.Parallel()
	in := strings.Repeat("XYZ+1'", 1000) + "UNB+UNOA:3+S+R+260101:1200+1'" + strings.Repeat("XYZ+1'", 1000) + "UNH+1+ZZZ:D:1:UN'UNT+2+1'UNZ+1+1'"
	rep, err := edifact.Inspect(strings.NewReader(in), edifact.InspectOptions{Validate: edifact.ValidateOptions{MaxIssues: 10}})
	if err != nil {
		t.Fatal(err)
	}
	for name, list := range map[string][]syntax.Issue{"file": rep.Issues, "interchange": rep.Interchanges[0].Issues} {
		if len(list) != 11 || list[10].Message != "990 more issues not listed" || list[10].Severity != syntax.Error {
			t.Errorf("%s issues: %d, last %+v", name, len(list), list[len(list)-1])
		}
	}
	if rep.Interchanges[0].Accepted {
		t.Error("interchange with segments outside messages accepted")
	}
}
