package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/icss/icss/edi/edifact"
)

func main() {
	for _, f := range os.Args[1:] {
		fh, _ := os.Open(f)
		rep, err := edifact.Inspect(fh, edifact.InspectOptions{Name: f})
		fh.Close()
		b, _ := json.MarshalIndent(rep, "", " ")
		_ = b
		fmt.Println("==", f, err, "valid:", rep.Valid())
		for _, ic := range rep.Interchanges {
			fmt.Printf(" IC %s %s->%s %s %s acc=%v\n", ic.Control, ic.Sender, ic.Receiver, ic.Date, ic.Version, ic.Accepted)
			for _, is := range ic.Issues {
				fmt.Printf("   ! %v %s %s el%d.%d %s (%v)\n", is.Severity, is.Code, is.SegmentID, is.Element, is.Component, is.Message, is.Pos)
			}
			for _, g := range ic.Groups {
				fmt.Printf("  G %v %s acc=%v\n", g.Implicit, g.Control, g.Accepted)
				for _, is := range g.Issues {
					fmt.Printf("   ! %v %s %s el%d.%d %s (%v)\n", is.Severity, is.Code, is.SegmentID, is.Element, is.Component, is.Message, is.Pos)
				}
				for _, s := range g.Sets {
					fmt.Printf("   S %s %s %s segs=%d acc=%v\n", s.Type, s.Version, s.Control, s.Segments, s.Accepted)
					for _, is := range s.Issues {
						fmt.Printf("     ! %v %s %s el%d.%d %s (%v)\n", is.Severity, is.Code, is.SegmentID, is.Element, is.Component, is.Message, is.Pos)
					}
				}
			}
		}
		for _, is := range rep.Issues {
			fmt.Printf(" ! %v %s %s %s\n", is.Severity, is.Code, is.SegmentID, is.Message)
		}
	}
}

func init() {
	if len(os.Args) > 1 && os.Args[1] == "-ack" {
		os.Args = os.Args[1:]
		defer func() {}()
		for _, f := range os.Args[1:] {
			fh, _ := os.Open(f)
			rep, _ := edifact.Inspect(fh, edifact.InspectOptions{Name: f})
			fh.Close()
			for i := range rep.Interchanges {
				var sb strings.Builder
				err := edifact.WriteCONTRL(&sb, &rep.Interchanges[i], edifact.ContrlOptions{Now: time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC), Newline: true})
				fmt.Println("--", f, err)
				fmt.Print(sb.String())
				r2, _ := edifact.Inspect(strings.NewReader(sb.String()), edifact.InspectOptions{})
				if !r2.Valid() {
					b, _ := json.MarshalIndent(r2, "", " ")
					fmt.Println("CONTRL INVALID", string(b))
				}
			}
		}
		os.Exit(0)
	}
}
