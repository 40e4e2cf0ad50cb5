package edifact_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/icss/icss/edi/edifact"
)

const exampleInput = `UNA:+.? '
UNB+UNOC:3+CARRIER:ZZZ+CUSTOMS:ZZZ+261127:1200+IC1'
UNH+M1+CUSCAR:D:95B:UN'
BGM+85+MAN001+9'
NAD+CZ+++D?'OR ?+ FILS'
UNT+3+M1'
UNZ+1+IC1'
`

func ExampleReader() {
	r := edifact.NewReader(strings.NewReader(exampleInput))
	for {
		seg, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			continue
		}
		if seg.Tag() == "NAD" {
			fmt.Printf("%s party %s: %s\n", seg.Tag(), seg.Elem(1), seg.String(4, 1))
		}
	}
	// Output: NAD party CZ: D'OR + FILS
}

func ExampleInspect() {
	rep, err := edifact.Inspect(strings.NewReader(exampleInput), edifact.InspectOptions{Name: "example.edi"})
	if err != nil {
		panic(err)
	}
	for _, ic := range rep.Interchanges {
		for _, g := range ic.Groups {
			for _, s := range g.Sets {
				fmt.Println(s.Type, s.Control, s.Segments, s.Accepted)
				for _, is := range s.Issues {
					fmt.Println(is.Code, is.SegmentID, is.Message)
				}
			}
		}
	}
	// Output:
	// CUSCAR M1 4 false
	// 0085:29 UNT segment count does not match: UNT says 3, the message has 4 segments
}

func ExampleWriteCONTRL() {
	rep, _ := edifact.Inspect(strings.NewReader(exampleInput), edifact.InspectOptions{})
	err := edifact.WriteCONTRL(os.Stdout, &rep.Interchanges[0], edifact.ContrlOptions{
		Now:     time.Date(2026, 11, 27, 21, 30, 0, 0, time.UTC),
		Newline: true,
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// UNB+UNOC:3+CUSTOMS:ZZZ+CARRIER:ZZZ+261127:2130+IC1'
	// UNH+IC1+CONTRL:D:3:UN'
	// UCI+IC1+CARRIER:ZZZ+CUSTOMS:ZZZ+7'
	// UCM+M1+CUSCAR:D:95B:UN+4+29+UNT+1:1'
	// UNT+4+IC1'
	// UNZ+1+IC1'
}

func ExampleWriter() {
	w := edifact.NewWriter(os.Stdout)
	w.Newline = true
	_ = w.WriteSegment("FTX", []string{"AAA"}, nil, nil, []string{"50% COTTON: 2+2 PLY", "D'OR?"})
	_ = w.WriteSegment("NAD", []string{"CN"}, []string{"", "", ""}, nil)
	_ = w.Flush()
	// Output:
	// FTX+AAA+++50% COTTON?: 2?+2 PLY:D?'OR??'
	// NAD+CN'
}
