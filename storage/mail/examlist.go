package mail

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"

	"github.com/icss/icss/internal/lazyre"
)

// ExamList is what the message about one exam list says and carries.
type ExamList struct {
	// ListID is the list's ID (exam.ListID, "CAPRR-20261204"); the Message-ID
	// is derived from it.
	ListID string
	// Port is the port of examination (UN/LOCODE) and PortName its name, if known.
	Port, PortName string
	// Cutoff is the list's cut-off, shown in its own location.
	Cutoff time.Time
	// Rows is the number of containers on the list.
	Rows int
	// Filename and Workbook are the attached xlsx. Workbook is read once, as the
	// message is sent: build a new message (from a fresh reader) for each attempt.
	Filename string
	Workbook io.Reader
	// Link, when set, is a presigned link to the same workbook in the exam-lists
	// bucket, valid until LinkExpires.
	Link        string
	LinkExpires time.Time
	// To are the port's recipients.
	To []string
}

var listIDPattern = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9-]*$`)

// MessageID is the Message-ID of the message for a list: the same list ID gives
// the same ID, so a resend is recognisable.
func MessageID(listID, from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		from = a.Address
	}
	return "exam-list." + listID + "@" + domainOf(from)
}

// ExamListMessage builds the message for one exam list, from the address from.
func ExamListMessage(l ExamList, from string) (*Message, error) {
	switch {
	case !listIDPattern.MatchString(l.ListID):
		return nil, fmt.Errorf("mail: exam list ID %q: want letters, digits and '-'", l.ListID)
	case len(l.To) == 0:
		return nil, fmt.Errorf("mail: exam list %s: no recipient configured for port %s", l.ListID, l.Port)
	case l.Workbook == nil || l.Filename == "":
		return nil, fmt.Errorf("mail: exam list %s: workbook and file name are required", l.ListID)
	case l.Cutoff.IsZero():
		return nil, errors.New("mail: exam list " + l.ListID + ": cut-off is required")
	}
	port := l.Port
	if l.PortName != "" {
		port = fmt.Sprintf("%s (%s)", l.PortName, l.Port)
	}
	cutoff := l.Cutoff.Format("Mon 2 Jan 2006 15:04 MST")
	containers := fmt.Sprintf("%d containers", l.Rows)
	if l.Rows == 1 {
		containers = "1 container"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Exam list %s for %s.\n\n", l.ListID, port)
	fmt.Fprintf(&b, "List:     %s\n", l.ListID)
	fmt.Fprintf(&b, "Port:     %s\n", port)
	fmt.Fprintf(&b, "Cut-off:  %s\n", cutoff)
	fmt.Fprintf(&b, "Rows:     %s\n\n", containers)
	fmt.Fprintf(&b, "The workbook is attached (%s).", l.Filename)
	if l.Link != "" {
		fmt.Fprintf(&b, " It can also be downloaded")
		if !l.LinkExpires.IsZero() {
			fmt.Fprintf(&b, " until %s", l.LinkExpires.In(l.Cutoff.Location()).Format("Mon 2 Jan 2006 15:04 MST"))
		}
		fmt.Fprintf(&b, " from:\n%s\n", l.Link)
	} else {
		b.WriteString("\n")
	}
	b.WriteString("\nFill in the result columns and return the workbook with the photos, each named after its exam ID.\n")
	b.WriteString("This message was sent by icss; replies are not read.\n")
	return &Message{
		From:      from,
		To:        l.To,
		Subject:   fmt.Sprintf("Exam list %s: %s, cut-off %s, %s", l.ListID, l.Port, l.Cutoff.Format("2006-01-02 15:04 MST"), containers),
		MessageID: MessageID(l.ListID, from),
		Headers:   map[string]string{"X-ICSS-Exam-List": l.ListID},
		Body:      b.String(),
		Attachments: []Attachment{{
			Filename: l.Filename, ContentType: XLSXType, Content: l.Workbook,
		}},
	}, nil
}
