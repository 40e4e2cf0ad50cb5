package jobs_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/jobs"
)

// The SMTP relay down for a while: the exam list's e-mail is retried, the status
// shows the delivery pending, and once the relay is back exactly one message arrives.
func TestSMTPOutageRetriesOnce(t *testing.T) {
	t.Parallel()
	c := newCorridor(t, "")
	p := &proxy{addr: "127.0.0.1:0", target: net.JoinHostPort("127.0.0.1", fmt.Sprint(c.sink.Port))}
	p.up(t)
	_, port, _ := net.SplitHostPort(p.addr)
	b, _ := os.ReadFile(c.config)
	s := strings.Replace(string(b), fmt.Sprintf("smtp: {host: 127.0.0.1, port: %d,", c.sink.Port), "smtp: {host: 127.0.0.1, port: "+port+",", 1)
	s = strings.Replace(s, "max_attempts: 4", "max_attempts: 40", 1)
	os.WriteFile(c.config, []byte(s), 0o644)
	c.drop("m.x12", manifest(t, 300, 77))
	p.down()

	ctx := context.Background()
	d, err := jobs.Open(ctx, c.load(), testLogger(t), true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	type once struct {
		res jobs.OnceResult
		err error
	}
	done := make(chan once, 1)
	go func() {
		res, err := d.RunOnce(ctx, 30*time.Second)
		done <- once{res, err}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := d.Status(ctx, "test")
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, dl := range st.Deliveries {
			if dl.Channel == "email" {
				pending = dl.Pending
			}
		}
		if pending > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the e-mail never showed as pending: %+v", st.Deliveries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)
	p.up(t)
	r := <-done
	if r.err != nil || len(r.res.Parked) != 0 || r.res.Waiting != 0 {
		t.Fatalf("run: %+v, %v", r.res, r.err)
	}
	if msgs := c.sink.Messages(t); len(msgs) != 1 {
		t.Errorf("%d messages after the outage, want 1", len(msgs))
	}
	var attempts int
	var st string
	d.Ledger().DB().QueryRow(`SELECT attempts, state FROM deliveries WHERE endpoint = 'email:CAPRR'`).Scan(&attempts, &st)
	if attempts == 0 || st != "sent" {
		t.Errorf("e-mail delivery: %d failed attempts, %s (want failures during the outage, then sent)", attempts, st)
	}
}
