package sftp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/icss/icss/internal/testkit/sshdtest"
)

// BenchmarkDownload compares Client.Download (with its SHA-256) against OpenSSH's own
// sftp client fetching the same file from the same sshd on loopback; both write to a
// local file. The size is 1 GiB, or ICSS_BENCH_BYTES. Run with make bench, or:
//
//	go test -run '^$' -bench Download -benchtime 3x ./storage/sftp
//
// Measured on the project's 2-core machine (OpenSSH 9.2, Go 1.26, 1 GiB, 5 runs):
// see the package documentation for the figures.
func BenchmarkDownload(b *testing.B) {
	size := int64(1 << 30)
	if s := os.Getenv("ICSS_BENCH_BYTES"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		size = n
	}
	srv := sshdtest.Start(b, sshdtest.Options{Dirs: []string{"inbox"}})
	writeRandomFile(b, srv.Path("inbox/big.bin"), 1, size)
	out := filepath.Join(b.TempDir(), "out.bin")

	for _, packet := range []int{32768, 261120} {
		b.Run("icss/packet="+strconv.Itoa(packet), func(b *testing.B) {
			cfg := testConfig(srv)
			cfg.MaxPacket = packet
			c, err := Dial(context.Background(), cfg.WithDefaults(), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				f, err := os.Create(out)
				if err != nil {
					b.Fatal(err)
				}
				n, _, err := c.Download(context.Background(), "inbox/big.bin", f, size)
				f.Close()
				if err != nil || n != size {
					b.Fatalf("%d bytes, %v", n, err)
				}
			}
		})
	}
	b.Run("openssh-sftp", func(b *testing.B) {
		if _, err := exec.LookPath("sftp"); err != nil {
			b.Skip("no sftp client")
		}
		host, port, _ := strings.Cut(srv.Addr, ":")
		b.SetBytes(size)
		for b.Loop() {
			cmd := exec.Command("sftp", "-q", "-b", "-", "-i", srv.ClientKeyFile, "-P", port,
				"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile="+srv.KnownHostsFile,
				srv.User+"@"+host)
			cmd.Stdin = strings.NewReader("get inbox/big.bin " + out + "\n")
			if o, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("sftp: %v\n%s", err, o)
			}
		}
	})
}

// BenchmarkPullSmallFiles measures a pull of 200 EDI-sized files (4 KiB) from OpenSSH:
// listing, download, SHA-256, local store (fsync), three ledger transactions and the
// remote archive per file. The stability wait is skipped (Sleep is a no-op).
func BenchmarkPullSmallFiles(b *testing.B) {
	const files, size = 200, 4 << 10
	srv := sshdtest.Start(b, sshdtest.Options{Dirs: []string{"inbox"}})
	cfg := testConfig(srv)
	cfg.StableFor = time.Millisecond
	r := newRigFor(b, srv, cfg)
	p := r.puller()
	p.Sleep = func(context.Context, time.Duration) error { return nil }
	data := randomBytes(1, files*size)
	b.SetBytes(files * size)
	b.ReportAllocs()
	round := 0
	for b.Loop() {
		b.StopTimer()
		for i := range files {
			// Distinct content per round, or every file after the first round is a duplicate.
			chunk := append([]byte(fmt.Sprintf("%08d", round)), data[i*size+8:(i+1)*size]...)
			r.put(b, fmt.Sprintf("r%d-%03d.x12", round, i), chunk)
		}
		round++
		b.StartTimer()
		rep, err := p.Run(context.Background())
		if err != nil || rep.Count(Taken) != files {
			b.Fatalf("%v, %d taken", err, rep.Count(Taken))
		}
	}
	b.ReportMetric(float64(files*b.N)/b.Elapsed().Seconds(), "files/s")
}
