package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"time"

	"github.com/icss/icss/storage/mail"
)

// One message per exam list: the body names the list, port, cut-off and rows;
// the Message-ID comes from the list ID.
func ExampleExamListMessage() {
	van, _ := time.LoadLocation("America/Vancouver")
	m, err := mail.ExamListMessage(mail.ExamList{
		ListID: "CAPRR-20261204", Port: "CAPRR", PortName: "Prince Rupert",
		Cutoff: time.Date(2026, 12, 4, 14, 0, 0, 0, van), Rows: 18,
		Filename: "CAPRR-20261204.xlsx", Workbook: bytes.NewReader([]byte("PK...")),
		To: []string{"Prince Rupert exams <prr-exams@cbsa.example>"},
	}, "icss <icss@cbsa.example>")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Subject)
	fmt.Println(m.MessageID)
	fmt.Print(m.Body)
	// Output:
	// Exam list CAPRR-20261204: CAPRR, cut-off 2026-12-04 14:00 PST, 18 containers
	// exam-list.CAPRR-20261204@cbsa.example
	// Exam list CAPRR-20261204 for Prince Rupert (CAPRR).
	//
	// List:     CAPRR-20261204
	// Port:     Prince Rupert (CAPRR)
	// Cut-off:  Fri 4 Dec 2026 14:00 PST
	// Rows:     18 containers
	//
	// The workbook is attached (CAPRR-20261204.xlsx).
	//
	// Fill in the result columns and return the workbook with the photos, each named after its exam ID.
	// This message was sent by icss; replies are not read.
}

// A Sender for a relay on port 587 with STARTTLS and AUTH; the password comes
// from the configuration's secret. (Not run: there is no such relay here.)
func ExampleNewSender() {
	s, err := mail.NewSender(mail.Config{
		Host: "smtp.cbsa.example", From: "icss <icss@cbsa.example>",
		Username: "icss", Password: []byte("from {env: ICSS_SMTP_PASSWORD}"),
		Timeout: 30 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	msg := &mail.Message{To: []string{"ops@cbsa.example"}, Subject: "test", Body: "hello\n"}
	if err := s.Send(context.Background(), msg); err != nil {
		if mail.Permanent(err) {
			log.Fatal(err) // a 5xx: park the delivery, retrying will not help
		}
		log.Print(err) // retry later
	}
}
