// Package calctest runs LibreOffice Calc headless in tests: it opens a workbook the
// way a user's spreadsheet would and converts it (to CSV to compare cell values, or
// to xlsx to get a file as Calc saves it). Tests skip when soffice is missing,
// except under CI=true, where they fail: scripts/test-deps.sh installs it.
package calctest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Filters for Convert.
const (
	// CSV writes the first sheet as UTF-8 CSV, comma-separated, double-quoted.
	CSV = `csv:Text - txt - csv (StarCalc):44,34,76,1`
	// XLSX saves the workbook as Calc saves Excel 2007-365 files.
	XLSX = `xlsx:Calc MS Excel 2007 XML`
)

// Soffice returns the path of soffice, or ends the test: skipped normally, failed
// under CI=true.
func Soffice(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("soffice not found (CI=true: a missing LibreOffice is a failure; scripts/test-deps.sh installs libreoffice-calc-nogui): %v", err)
		}
		t.Skipf("soffice not found, skipping the LibreOffice test (install libreoffice-calc-nogui): %v", err)
	}
	return path
}

// Convert opens book (xlsx bytes) in LibreOffice headless with a profile of its own
// (two conversions at once would fight over a shared one) and returns the file it
// converts it to with filter (CSV, XLSX).
func Convert(t testing.TB, book []byte, filter string) []byte {
	t.Helper()
	soffice := Soffice(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "book.xlsx")
	if err := os.WriteFile(in, book, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore", "--nolockcheck",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", filter, "--outdir", out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	ext := strings.SplitN(filter, ":", 2)[0]
	b, err := os.ReadFile(filepath.Join(out, "book."+ext))
	if err != nil {
		t.Fatalf("soffice wrote no %s: %v\n%s", ext, err, msg)
	}
	return b
}
