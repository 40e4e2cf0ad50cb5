package syntax

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestWriteJSONMatchesMarshal(t *testing.T) {
	issue := Issue{Severity: Warning, Pos: Position{Offset: 3, Line: 1, Segment: 2}, SegmentID: "SE", Element: 1, Code: "AK5:4", Message: `count "groups":[] does not match`}
	reports := []*Report{
		{File: "empty.x12", Standard: "X12", Interchanges: []Interchange{}},
		{File: "bad", Standard: "unknown", Interchanges: []Interchange{}, Issues: []Issue{issue}},
		{File: "a.x12", Standard: "X12", Interchanges: []Interchange{
			{Control: "1", Groups: []Group{}},
			{Control: "2", Issues: []Issue{issue}, Groups: []Group{
				{Control: "7", Sets: []Set{}},
				{Control: "8", Sets: []Set{{Type: "309", Control: "0001", Issues: []Issue{issue}}, {Type: "309", Control: "0002", Accepted: true}}},
			}},
		}},
	}
	for _, rep := range reports {
		want, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := rep.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("WriteJSON\n%s\nMarshal\n%s", got.String(), want)
		}
	}
}
