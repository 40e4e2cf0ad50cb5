// Package resultstest generates realistic exam results (transforms/exam.Result)
// for the tests and benchmarks of the stages after an exam, until the evidence
// stage produces real ones: every outcome, partner referrals answered even when
// the container left before its exam, corrections, several ports.
package resultstest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/harmonized"
)

// Ports are the ports of examination results are spread over.
var Ports = []string{"CAPRR", "CAVAN"}

// Container returns a container number with a valid ISO 6346 check digit.
func Container(owner string, serial int) string {
	s := fmt.Sprintf("%sU%06d", owner, serial%1000000)
	return s + string(harmonized.ContainerCheckDigit(s))
}

// Sum returns the hex SHA-256 of s: a stand-in for an evidence manifest.
func Sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Generate returns n results, deterministic for a seed, recorded from day on.
// About 70 % are clean exams under a bolt seal (risk negated), 10 % have
// findings, 5 % were not examined (some of them partner referrals that left
// before the exam), the rest without a bolt seal or referred to the partner.
func Generate(n int, seed uint64, day time.Time) []exam.Result {
	rng := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	out := make([]exam.Result, n)
	for i := range out {
		port := Ports[i%len(Ports)]
		list := exam.ListID(port, day, true)
		id := exam.ExamID(list, i+1)
		examined := day.Add(time.Duration(8*60+i%600) * time.Minute)
		r := exam.Result{
			Schema: exam.ResultSchema, ExamID: id, Version: 1, ListID: list, Port: port,
			Container: Container("MSC", int(seed)*1000003+i),
			Bills: []exam.BillRef{{Key: fmt.Sprintf("MAEU%09d", i), IssuerSCAC: "MAEU", Number: fmt.Sprintf("%09d", i), Version: 1},
				{Key: fmt.Sprintf("NVOC%09d", i), IssuerSCAC: "NVOC", Number: fmt.Sprintf("HB%07d", i), Version: 2}},
			Seals:          []string{fmt.Sprintf("ML%07d", i)},
			ExamsSelected:  []string{"nii_xray", "devanning"},
			ExamsPerformed: []string{"nii_xray", "devanning"},
			Outcome:        exam.OutcomeNoFinding,
			ExaminedAt:     &examined,
			Officer:        fmt.Sprintf("BSO %04d", rng.IntN(40)),
			BoltSeal:       fmt.Sprintf("CBSA%07d", i),
			PhotoCount:     3,
			Photos: []exam.Object{
				{Name: id + "_1.jpg", SHA256: Sum(id + "1"), Size: 120345, ContentType: "image/jpeg"},
				{Name: id + "_2.jpg", SHA256: Sum(id + "2"), Size: 98231, ContentType: "image/jpeg"},
				{Name: id + "_3.jpg", SHA256: Sum(id + "3"), Size: 101002, ContentType: "image/jpeg"},
			},
			Workbook:       exam.Object{Name: list + ".xlsx", SHA256: Sum(list), Size: 48211, ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			Selection:      exam.Selection{Path: "rule", Score: 71.5, RuleSet: "default@3", Reasons: []string{"origin high risk", "shipper new"}, Assessments: []string{fmt.Sprintf("MAEU%09d#%d", i, i)}},
			ManifestSHA256: Sum(fmt.Sprintf("evidence %d %d", seed, i)),
			RecordedAt:     examined.Add(2 * time.Hour),
		}
		switch k := rng.IntN(100); {
		case k < 5:
			r.Outcome, r.NotExaminedReason = exam.OutcomeNotExamined, exam.ReasonLeftBeforeExam
			r.ExamsPerformed, r.ExaminedAt, r.BoltSeal, r.PhotoCount, r.Photos, r.Officer = []string{}, nil, "", 0, []exam.Object{}, ""
			if k < 2 {
				r.Selection.Path, r.Selection.Referral = "referral", "NTC referral T-"+fmt.Sprint(i)
			}
		case k < 12:
			r.Outcome, r.Findings = exam.OutcomeDiscrepancy, "undeclared goods: 4 pallets of tiles, ISPM 15 mark missing"
		case k < 15:
			r.Outcome, r.Findings = exam.OutcomeSeizure, "=HYPERLINK(\"http://x\",\"click\") narcotics in false floor"
		case k < 20:
			r.BoltSeal = "" // NII only: not opened, not bolt-sealed
			r.ExamsPerformed = []string{"nii_xray"}
		case k < 22:
			r.Outcome = exam.OutcomeReferred
		case k < 26:
			r.Selection.Path, r.Selection.Referral = "referral", "NTC referral T-"+fmt.Sprint(i)
		}
		out[i] = r
	}
	return out
}

// Correct returns a corrected version of r: the next version, superseding r's
// evidence manifest, with the outcome changed by edit.
func Correct(r exam.Result, edit func(*exam.Result)) exam.Result {
	c := r
	c.Version = r.Version + 1
	c.Supersedes = r.ManifestSHA256
	c.ManifestSHA256 = Sum(fmt.Sprintf("%s v%d", r.ManifestSHA256, c.Version))
	c.RecordedAt = r.RecordedAt.Add(24 * time.Hour)
	if edit != nil {
		edit(&c)
	}
	return c
}

// WriteJSONL writes results as JSON lines.
func WriteJSONL(w io.Writer, results []exam.Result) error {
	enc := json.NewEncoder(w)
	for i := range results {
		if err := enc.Encode(&results[i]); err != nil {
			return err
		}
	}
	return nil
}
