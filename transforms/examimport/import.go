package examimport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/icss/icss/storage/evidence"
	"github.com/icss/icss/transforms/exam"
	"github.com/icss/icss/transforms/examlist"
)

// Options say what to import and where to keep it.
type Options struct {
	// List is the original exam list workbook, optional. When given, the
	// returned rows are checked against it; otherwise against the issued
	// entries each returned workbook carries in its hidden sheet.
	List string
	// Returned are the files the officers sent: workbooks, photos, ZIPs of
	// them, or directories of them.
	Returned []string
	// Evidence keeps the photos, workbooks and signed manifests; it must
	// have a signing key (and, for the daemon, the ledger).
	Evidence *evidence.Store
	// Limits bound what is read; zero means DefaultLimits.
	Limits Limits
	// Now is the clock that "in the future" is judged by; nil means time.Now.
	Now func() time.Time
	// ClockSkew is how far in the future an exam time may be (the officer's
	// watch); 0 means 10 minutes.
	ClockSkew time.Duration
	// Workers store batches of photos in parallel; 0 means 2 (each batch
	// already writes several files at once).
	Workers int
}

// Validate reports a missing or bad option, naming it.
func (o *Options) Validate() error {
	switch {
	case o.Evidence == nil:
		return errors.New("examimport: Options.Evidence is nil")
	case len(o.Returned) == 0:
		return errors.New("examimport: Options.Returned is empty: give the returned workbooks, photos or ZIPs")
	case o.ClockSkew < 0:
		return fmt.Errorf("examimport: Options.ClockSkew %s is negative", o.ClockSkew)
	case o.Workers < 0:
		return fmt.Errorf("examimport: Options.Workers %d is negative", o.Workers)
	}
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ClockSkew == 0 {
		o.ClockSkew = 10 * time.Minute
	}
	if o.Workers == 0 {
		o.Workers = 2
	}
	return o.Limits.Validate()
}

// Report is what an import did.
type Report struct {
	// Recorded are the results recorded by this import: new exams, and new
	// versions of exams whose return was corrected. In the order read.
	Recorded []exam.Result
	// Unchanged are rows recorded before exactly as they are now.
	Unchanged []exam.Result
	// Rejected lists every problem: *exam.CellError for a row (nothing of
	// the row is recorded), *FileError for a file.
	Rejected []error
	// Workbooks, Photos and Rows count what was read.
	Workbooks, Photos, Rows int
}

// OK reports whether everything was accepted.
func (r Report) OK() bool { return len(r.Rejected) == 0 }

// Files lists the returned files (a ZIP for its entries) that had a
// problem, each once, in the order reported: what the daemon quarantines.
func (r Report) Files() []string {
	var out []string
	seen := map[string]bool{}
	for _, err := range r.Rejected {
		var name string
		var ce *exam.CellError
		var fe *FileError
		switch {
		case errors.As(err, &ce):
			name = ce.File
		case errors.As(err, &fe):
			name = fe.File
		}
		if a := archiveOf(name); a != "" {
			name = a
		}
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// Results are the recorded and unchanged results by exam ID: one per row
// accepted.
func (r Report) Results() []exam.Result {
	out := append(append([]exam.Result(nil), r.Recorded...), r.Unchanged...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].ExamID < out[j].ExamID })
	return out
}

// issued is the list as issued, for the checks.
type issued struct {
	meta    examlist.Meta
	entries map[string]*exam.Entry
}

func readIssued(content []byte) (issued, error) {
	meta, entries, err := examlist.ReadIssued(bytes.NewReader(content))
	if err != nil {
		return issued{}, err
	}
	is := issued{meta: meta, entries: make(map[string]*exam.Entry, len(entries))}
	for i := range entries {
		is.entries[entries[i].ExamID] = &entries[i]
	}
	return is, nil
}

// row is one filled row with what it is checked against.
type row struct {
	ret      exam.Return
	list     issued
	workbook exam.Object
}

// Import reads the returned files, checks every filled row against the list
// as issued, stores the photos and workbooks as evidence and records one
// signed manifest per accepted row. A row with any problem is not recorded
// at all. Rows already recorded as they are record nothing; a corrected row
// becomes the next version of its exam. The error is for what stops the
// whole import (options, an unreadable --list, I/O of the evidence store);
// bad input is in Report.Rejected.
func Import(ctx context.Context, o Options) (Report, error) {
	if err := o.Validate(); err != nil {
		return Report{}, err
	}
	var rep Report
	var original *issued
	if o.List != "" {
		b, err := os.ReadFile(o.List)
		if err != nil {
			return rep, fmt.Errorf("examimport: list: %w", err)
		}
		is, err := readIssued(b)
		if err != nil {
			return rep, fmt.Errorf("examimport: list %s: %w", o.List, err)
		}
		original = &is
	}
	in, stored, err := o.intake(ctx, &rep)
	if err != nil {
		return rep, err
	}
	// The workbooks are read while the last photos are being stored.
	var read Report
	rows, err := o.readWorkbooks(ctx, in.workbooks, original, &read)
	if serr := stored(); serr != nil {
		return rep, serr
	}
	rep.Workbooks, rep.Rows, rep.Rejected = read.Workbooks, read.Rows, append(rep.Rejected, read.Rejected...)
	if err != nil {
		return rep, err
	}
	byExam := map[string][]int{}
	for i, r := range rows {
		byExam[r.ret.ExamID] = append(byExam[r.ret.ExamID], i)
	}
	// Accepted rows are recorded together: evidence appends their manifests
	// in runs, sharing the blob store's syncs.
	var (
		accepted []row
		results  []exam.Result
	)
	for _, r := range rows {
		errs := o.check(r, byExam[r.ret.ExamID], rows, in)
		photos := in.photos[r.ret.ExamID]
		var carried []exam.Object
		if len(errs) == 0 && len(photos) == 0 && r.ret.PhotoCount > 0 {
			// A corrected workbook sent without its photos again keeps the
			// photos of the version it corrects.
			prev, ok, err := o.Evidence.Latest(ctx, r.ret.ExamID)
			if err != nil {
				return rep, err
			}
			if ok {
				carried = prev.Manifest.Result.Photos
			}
			if len(carried) != r.ret.PhotoCount {
				errs = append(errs, cellErr(r.ret, examlist.HeaderPhotoCount, fmt.Errorf("%d photos, but none received for %s", r.ret.PhotoCount, r.ret.ExamID)))
			}
		}
		if len(errs) > 0 {
			rep.Rejected = append(rep.Rejected, errs...)
			continue
		}
		if carried != nil {
			photos = carried
		}
		accepted = append(accepted, r)
		results = append(results, result(r, photos))
	}
	recorded, err := o.Evidence.RecordAll(ctx, results)
	for _, rec := range recorded {
		if rec.Created {
			rep.Recorded = append(rep.Recorded, rec.Result())
		} else {
			rep.Unchanged = append(rep.Unchanged, rec.Result())
		}
	}
	if err != nil && len(recorded) < len(accepted) {
		r := accepted[len(recorded)]
		return rep, fmt.Errorf("examimport: %s row %d (%s): %w", r.ret.File, r.ret.Row, r.ret.ExamID, err)
	}
	if err != nil {
		return rep, fmt.Errorf("examimport: %w", err)
	}
	for _, id := range in.photoOrder {
		if _, ok := byExam[id]; !ok && len(in.badPhotos[id]) == 0 {
			rep.Rejected = append(rep.Rejected, &FileError{File: in.photoNames[id][0], ExamID: id,
				Err: fmt.Errorf("%d photo(s) for exam %s, whose row no returned workbook of this import fills in (kept as unreferenced evidence)", len(in.photos[id]), id)})
		}
	}
	return rep, nil
}

func cellErr(r exam.Return, column string, err error) error {
	return &exam.CellError{File: r.File, Sheet: r.Sheet, Row: r.Row, Column: column, Err: err}
}

// check finds every problem of one row against the list as issued and the
// photos received.
func (o *Options) check(r row, same []int, rows []row, in *intake) []error {
	ret := r.ret
	var errs []error
	fail := func(column, format string, args ...any) {
		errs = append(errs, cellErr(ret, column, fmt.Errorf(format, args...)))
	}
	if len(same) > 1 {
		var others []string
		for _, j := range same {
			if o := rows[j].ret; o.File != ret.File || o.Row != ret.Row {
				others = append(others, fmt.Sprintf("%s row %d", o.File, o.Row))
			}
		}
		fail(examlist.HeaderExamID, "exam %s is filled in more than once (also %s): none of them is recorded", ret.ExamID, strings.Join(others, ", "))
	}
	e, ok := r.list.entries[ret.ExamID]
	if !ok {
		fail(examlist.HeaderExamID, "exam %s is not on list %s", ret.ExamID, r.list.meta.ListID)
		return errs
	}
	if !strings.EqualFold(strings.TrimSpace(ret.Container), e.Container) {
		fail(examlist.HeaderContainer, "container %q, but the list issued %s for %s", ret.Container, e.Container, ret.ExamID)
	}
	var want []string
	for _, b := range e.Bills {
		want = append(want, strings.TrimSpace(b.Number))
	}
	if got := sortedUpper(ret.Bills); strings.Join(got, "\n") != strings.Join(sortedUpper(want), "\n") {
		fail(examlist.HeaderBills, "bills %s, but the list issued %s", strings.Join(ret.Bills, ", "), strings.Join(want, ", "))
	}
	if !ret.ExaminedAt.IsZero() {
		now := o.Now()
		switch {
		case ret.ExaminedAt.After(now.Add(o.ClockSkew)):
			fail(examlist.HeaderExamDate, "exam time %s is in the future", ret.ExaminedAt.Format(time.RFC3339))
		case ret.ExaminedAt.Before(r.list.meta.IssuedAt):
			fail(examlist.HeaderExamDate, "exam time %s is before the list was issued (%s)", ret.ExaminedAt.Format(time.RFC3339), r.list.meta.IssuedAt.Format(time.RFC3339))
		}
	}
	if ret.Outcome == exam.OutcomeNoFinding && strings.TrimSpace(ret.BoltSeal) == "" {
		for _, p := range ret.Performed {
			if exam.OpensContainer(p) {
				fail(examlist.HeaderBoltSeal, "%s opened the container and it is released with no finding: the bolt seal applied is required", exam.ExamLabel(p))
				break
			}
		}
	}
	for _, fe := range in.badPhotos[ret.ExamID] {
		fail(examlist.HeaderPhotoCount, "photo %s rejected: %v", fe.File, fe.Err)
	}
	if n := len(in.photos[ret.ExamID]); n > 0 && n != ret.PhotoCount {
		fail(examlist.HeaderPhotoCount, "%d photos, but %d received for %s (%s)", ret.PhotoCount, n, ret.ExamID, strings.Join(in.photoNames[ret.ExamID], ", "))
	}
	return errs
}

func sortedUpper(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToUpper(strings.TrimSpace(s))
	}
	sort.Strings(out)
	return out
}

// result is the exam result of an accepted row.
func result(r row, photos []exam.Object) exam.Result {
	e, ret := r.list.entries[r.ret.ExamID], r.ret
	res := exam.Result{
		Schema: exam.ResultSchema, ExamID: e.ExamID, ListID: e.ListID, Port: e.Port,
		Container: e.Container, Bills: e.Bills, Seals: e.Seals, BoltSeal: strings.TrimSpace(ret.BoltSeal),
		ExamsSelected: e.Exams, ExamsPerformed: ret.Performed, Outcome: ret.Outcome, NotExaminedReason: ret.NotExaminedReason,
		Findings: ret.Findings, Officer: ret.Officer, PhotoCount: ret.PhotoCount, Photos: photos, Workbook: r.workbook,
		Selection: e.Selection,
	}
	if res.ListID == "" {
		res.ListID = r.list.meta.ListID
	}
	if res.Port == "" {
		res.Port = r.list.meta.Port
	}
	// schema.json wants arrays, never null.
	res.Photos = orEmpty(res.Photos)
	res.Seals, res.ExamsSelected, res.ExamsPerformed = orEmpty(res.Seals), orEmpty(res.ExamsSelected), orEmpty(res.ExamsPerformed)
	res.Selection.Reasons, res.Selection.Assessments = orEmpty(res.Selection.Reasons), orEmpty(res.Selection.Assessments)
	if !ret.ExaminedAt.IsZero() {
		at := ret.ExaminedAt
		res.ExaminedAt = &at
	}
	return res
}

// inZone reads the wall-clock time of t as a time in the named zone.
func inZone(t time.Time, zone string) time.Time {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		return t
	}
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	return time.Date(y, mo, d, h, mi, sec, t.Nanosecond(), loc)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// intake is what the returned files held, photos already stored.
type intake struct {
	workbooks  []Item
	photos     map[string][]exam.Object // exam ID -> stored photos, by name
	photoNames map[string][]string
	photoOrder []string // exam IDs in the order their photos came
	badPhotos  map[string][]*FileError
}

// Photos are stored in batches (evidence.PutObjects) of at most photoBatch
// photos or photoBatchBytes, Options.Workers batches at once: what is held
// in memory is bounded by those, whatever the size of the return.
const (
	photoBatch      = 1024
	photoBatchBytes = 8 << 20
)

// intake walks every returned path, storing photos as they come (several
// batches at once) and keeping workbooks for reading. It returns once every
// path is walked, with the workbooks; stored waits for the photos to be
// stored and fills them in. What a ZIP rejected as a whole gave is dropped
// (its photos stay in the store, unreferenced).
func (o *Options) intake(ctx context.Context, rep *Report) (in *intake, stored func() error, err error) {
	in = &intake{photos: map[string][]exam.Object{}, photoNames: map[string][]string{}, badPhotos: map[string][]*FileError{}}
	type storedPhoto struct {
		examID, name string
		obj          exam.Object
	}
	var (
		mu       sync.Mutex
		pending  []storedPhoto
		books    []Item
		rejected = map[string]bool{} // ZIPs rejected whole
		putErr   error
		wg       sync.WaitGroup
	)
	work := make(chan []Item)
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range work {
				cs := make([]evidence.Content, len(batch))
				for i, it := range batch {
					cs[i] = evidence.Content{Name: it.Name, Bytes: it.Content, ContentType: it.ContentType}
				}
				objs, err := o.Evidence.PutObjects(ctx, cs)
				mu.Lock()
				if err != nil && putErr == nil {
					putErr = err
				}
				for i, obj := range objs {
					pending = append(pending, storedPhoto{batch[i].ExamID, batch[i].Name, obj})
				}
				mu.Unlock()
			}
		}()
	}
	var (
		batch      []Item
		batchBytes int
	)
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		select {
		case work <- batch:
			batch, batchBytes = nil, 0
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for _, p := range o.Returned {
		err = Walk(p, o.Limits, func(it Item) error {
			if it.Kind == Workbook {
				books = append(books, it)
				return nil
			}
			batch = append(batch, it)
			if batchBytes += len(it.Content); len(batch) < photoBatch && batchBytes < photoBatchBytes {
				return nil
			}
			return send()
		}, func(fe *FileError) {
			mu.Lock()
			defer mu.Unlock()
			if fe.Archive {
				rejected[fe.File] = true
			}
			if fe.ExamID != "" {
				in.badPhotos[fe.ExamID] = append(in.badPhotos[fe.ExamID], fe)
			}
			rep.Rejected = append(rep.Rejected, fe)
		})
		if err != nil {
			err = fmt.Errorf("examimport: %s: %w", p, err)
			break
		}
	}
	if err == nil {
		err = send()
	}
	close(work)
	if err != nil {
		wg.Wait()
		return nil, nil, err
	}
	for _, b := range books {
		if !rejected[archiveOf(b.Name)] {
			in.workbooks = append(in.workbooks, b)
		}
	}
	stored = func() error {
		wg.Wait()
		if putErr != nil {
			return putErr
		}
		sort.Slice(pending, func(i, j int) bool { return pending[i].name < pending[j].name })
		for _, s := range pending {
			if rejected[archiveOf(s.name)] {
				continue
			}
			rep.Photos++
			if _, ok := in.photos[s.examID]; !ok {
				in.photoOrder = append(in.photoOrder, s.examID)
			}
			if !containsSHA(in.photos[s.examID], s.obj.SHA256) {
				in.photos[s.examID] = append(in.photos[s.examID], s.obj)
				in.photoNames[s.examID] = append(in.photoNames[s.examID], s.name)
			}
		}
		return nil
	}
	return in, stored, nil
}

// archiveOf is the ZIP an item's name says it came from ("x.zip!entry"), or "".
func archiveOf(name string) string {
	if i := strings.Index(strings.ToLower(name), ".zip!"); i >= 0 {
		return name[:i+len(".zip")]
	}
	return ""
}

func containsSHA(objs []exam.Object, sha string) bool {
	for _, o := range objs {
		if o.SHA256 == sha {
			return true
		}
	}
	return false
}

// readWorkbooks stores each returned workbook and reads its filled rows. A
// workbook given twice (the same bytes) is read once.
func (o *Options) readWorkbooks(ctx context.Context, books []Item, original *issued, rep *Report) ([]row, error) {
	var rows []row
	seen := map[[32]byte]bool{}
	for _, b := range books {
		sum := sha256.Sum256(b.Content)
		if seen[sum] {
			continue
		}
		seen[sum] = true
		rep.Workbooks++
		// The original, when given, is what rows are checked against; the
		// copy a returned workbook carries need not have survived the
		// officer's spreadsheet program, but when it did it must be of the
		// same list.
		list, err := readIssued(b.Content)
		lostZone := original != nil && err != nil
		switch {
		case original != nil && err == nil && list.meta.ListID != original.meta.ListID:
			rep.Rejected = append(rep.Rejected, &FileError{File: b.Name, Err: fmt.Errorf("a return of list %s, not of list %s given with --list", list.meta.ListID, original.meta.ListID)})
			continue
		case original != nil:
			list = *original
		case err != nil:
			rep.Rejected = append(rep.Rejected, &FileError{File: b.Name, Err: fmt.Errorf("not a returned exam list (give the original with --list if the hidden sheet was lost): %w", err)})
			continue
		}
		obj, err := o.Evidence.PutObject(ctx, b.Name, b.Content, b.ContentType)
		if err != nil {
			return nil, err
		}
		err = examlist.ReadReturns(bytes.NewReader(b.Content), b.Name, func(ret exam.Return) error {
			if lostZone && !ret.ExaminedAt.IsZero() {
				// Without its hidden sheet the workbook's wall-clock times
				// were read as UTC: they are the port's, as the list says.
				ret.ExaminedAt = inZone(ret.ExaminedAt, list.meta.Zone)
			}
			rows = append(rows, row{ret: ret, list: list, workbook: obj})
			return nil
		})
		if cells := examlist.CellErrors(err); len(cells) > 0 {
			badRows := map[int]bool{}
			for _, ce := range cells {
				rep.Rejected = append(rep.Rejected, ce)
				badRows[ce.Row] = true
			}
			rep.Rows += len(badRows)
		} else if err != nil {
			rep.Rejected = append(rep.Rejected, &FileError{File: b.Name, Err: err})
		}
	}
	rep.Rows += len(rows)
	return rows, nil
}
