package examimport

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/image/tiff"

	"github.com/icss/icss/transforms/exam"
)

// Limits bound what one import reads, so that a hostile or broken return
// cannot exhaust memory or disk.
type Limits struct {
	// MaxPhotoBytes is the largest photo or PDF accepted.
	MaxPhotoBytes int64 `json:"max_photo_bytes" yaml:"max_photo_bytes"`
	// MaxPixels is the largest image accepted (width × height): a small
	// file can declare a huge image.
	MaxPixels int64 `json:"max_pixels" yaml:"max_pixels"`
	// MaxWorkbookBytes is the largest returned workbook accepted.
	MaxWorkbookBytes int64 `json:"max_workbook_bytes" yaml:"max_workbook_bytes"`
	// MaxZipEntries is the most entries one ZIP may hold.
	MaxZipEntries int `json:"max_zip_entries" yaml:"max_zip_entries"`
	// MaxZipBytes is the most bytes one ZIP may unpack to, counted as they
	// are read (never trusting the sizes its headers claim).
	MaxZipBytes int64 `json:"max_zip_bytes" yaml:"max_zip_bytes"`
}

// DefaultLimits suit a day's returns of a busy port: photos up to 32 MiB and
// 120 megapixels, workbooks up to 64 MiB, ZIPs of up to 50,000 entries and 8 GiB.
func DefaultLimits() Limits {
	return Limits{MaxPhotoBytes: 32 << 20, MaxPixels: 120_000_000, MaxWorkbookBytes: 64 << 20, MaxZipEntries: 50_000, MaxZipBytes: 8 << 30}
}

// Validate reports a limit that is not positive, naming it.
func (l Limits) Validate() error {
	for name, v := range map[string]int64{"MaxPhotoBytes": l.MaxPhotoBytes, "MaxPixels": l.MaxPixels, "MaxWorkbookBytes": l.MaxWorkbookBytes,
		"MaxZipEntries": int64(l.MaxZipEntries), "MaxZipBytes": l.MaxZipBytes} {
		if v <= 0 {
			return fmt.Errorf("examimport: Limits.%s %d is not positive", name, v)
		}
	}
	return nil
}

// Kind is what a file of a return is.
type Kind int

// The kinds of file a return holds.
const (
	Workbook Kind = iota + 1
	Photo
)

// Item is one file of a return, read and checked: a workbook, or a photo
// (JPEG, PNG, TIFF or PDF) with the exam it belongs to.
type Item struct {
	Name        string // where it came from: a path, or "return.zip!dir/name.jpg"
	Kind        Kind
	ExamID      string // photos only
	ContentType string
	Content     []byte
}

// FileError is a problem with one file of a return (or one ZIP entry).
type FileError struct {
	File   string
	ExamID string // the exam a rejected photo was meant for, when its name says
	// Archive is set when File is a ZIP rejected whole: what it already
	// gave must be dropped.
	Archive bool
	Err     error
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %v", e.File, e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

// Errors the intake reports (wrapped in FileError).
var (
	ErrUnsafeZip   = errors.New("unsafe ZIP")
	ErrTooLarge    = errors.New("too large")
	ErrBadContent  = errors.New("content does not match the file type")
	ErrUnknownExam = errors.New("cannot tell which exam the photo belongs to")
	ErrUnknownFile = errors.New("not a workbook (.xlsx), photo (.jpg, .png, .tif, .pdf) or ZIP")
)

// fileType is what an extension promises.
type fileType struct {
	kind        Kind
	contentType string
	check       func(b []byte, lim Limits) error
}

var fileTypes = map[string]fileType{
	".xlsx": {Workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", checkMagic("PK\x03\x04")},
	".jpg":  {Photo, "image/jpeg", checkImage("\xff\xd8\xff", jpeg.DecodeConfig)},
	".jpeg": {Photo, "image/jpeg", checkImage("\xff\xd8\xff", jpeg.DecodeConfig)},
	".png":  {Photo, "image/png", checkImage("\x89PNG\r\n\x1a\n", png.DecodeConfig)},
	".tif":  {Photo, "image/tiff", checkTIFF},
	".tiff": {Photo, "image/tiff", checkTIFF},
	".pdf":  {Photo, "application/pdf", checkPDF},
}

// junk are files operating systems add to folders and archives.
func junk(name string) bool {
	base := path.Base(name)
	return strings.HasPrefix(name, "__MACOSX/") || strings.Contains(name, "/__MACOSX/") || strings.HasPrefix(base, "._") ||
		base == ".DS_Store" || strings.EqualFold(base, "Thumbs.db") || strings.EqualFold(base, "desktop.ini")
}

func checkMagic(magic string) func([]byte, Limits) error {
	return func(b []byte, _ Limits) error {
		if !bytes.HasPrefix(b, []byte(magic)) {
			return fmt.Errorf("%w: it does not start as one (%s)", ErrBadContent, describe(b))
		}
		return nil
	}
}

func checkImage(magic string, decode func(io.Reader) (image.Config, error)) func([]byte, Limits) error {
	return func(b []byte, lim Limits) error {
		if err := checkMagic(magic)(b, lim); err != nil {
			return err
		}
		cfg, err := decode(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("%w: the image does not decode: %v", ErrBadContent, err)
		}
		if cfg.Width <= 0 || cfg.Height <= 0 {
			return fmt.Errorf("%w: the image is %d×%d pixels", ErrBadContent, cfg.Width, cfg.Height)
		}
		if px := int64(cfg.Width) * int64(cfg.Height); px > lim.MaxPixels {
			return fmt.Errorf("%w: %d×%d pixels, more than %d", ErrTooLarge, cfg.Width, cfg.Height, lim.MaxPixels)
		}
		return nil
	}
}

func checkTIFF(b []byte, lim Limits) error {
	if !bytes.HasPrefix(b, []byte("II*\x00")) && !bytes.HasPrefix(b, []byte("MM\x00*")) {
		return fmt.Errorf("%w: it does not start as a TIFF (%s)", ErrBadContent, describe(b))
	}
	return checkImage(string(b[:4]), tiff.DecodeConfig)(b, lim)
}

// checkPDF wants the header and, near the end, the end-of-file marker that a
// complete PDF has: a truncated upload is refused.
func checkPDF(b []byte, lim Limits) error {
	if err := checkMagic("%PDF-")(b, lim); err != nil {
		return err
	}
	tail := b[max(0, len(b)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return fmt.Errorf("%w: the PDF has no end-of-file marker (truncated?)", ErrBadContent)
	}
	return nil
}

// describe names what the first bytes look like, for an error message.
func describe(b []byte) string {
	for _, t := range []struct{ magic, name string }{
		{"\xff\xd8\xff", "JPEG"}, {"\x89PNG", "PNG"}, {"II*\x00", "TIFF"}, {"MM\x00*", "TIFF"}, {"%PDF-", "PDF"},
		{"PK\x03\x04", "ZIP or xlsx"}, {"GIF8", "GIF"}, {"RIFF", "RIFF (WebP?)"}, {"\xd0\xcf\x11\xe0", "old Office (xls/doc)"},
	} {
		if bytes.HasPrefix(b, []byte(t.magic)) {
			return "it is " + t.name
		}
	}
	if len(b) == 0 {
		return "it is empty"
	}
	return fmt.Sprintf("first bytes % x", b[:min(len(b), 8)])
}

// Sniff checks that content is what the file name's extension says: the
// magic bytes match, and an image decodes within the limits. It returns the
// kind and MIME type.
func Sniff(name string, content []byte, lim Limits) (Kind, string, error) {
	ft, ok := fileTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return 0, "", ErrUnknownFile
	}
	max := lim.MaxPhotoBytes
	if ft.kind == Workbook {
		max = lim.MaxWorkbookBytes
	}
	if int64(len(content)) > max {
		return 0, "", fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, len(content), max)
	}
	if err := ft.check(content, lim); err != nil {
		return 0, "", err
	}
	return ft.kind, ft.contentType, nil
}

// PhotoExam tells which exam a photo belongs to: the name
// "<exam-id>_<anything>.<ext>", else a folder named after the exam ID
// holding it. rel is slash-separated.
func PhotoExam(rel string) (string, bool) {
	base := path.Base(rel)
	if id, _, ok := strings.Cut(base, "_"); ok && exam.ValidExamID(strings.ToUpper(id)) {
		return strings.ToUpper(id), true
	}
	if dir := path.Base(path.Dir(rel)); exam.ValidExamID(strings.ToUpper(dir)) {
		return strings.ToUpper(dir), true
	}
	return "", false
}

// Walk reads one path given to the import: a workbook, a photo, a ZIP of
// them, or a directory of them (per-exam subfolders allowed). fn gets every
// file that passes the checks; bad gets every file that does not. A ZIP
// that is unsafe (path traversal, absolute paths, symlinks, too many
// entries or bytes) is rejected whole: bad gets one error for it, and the
// items it already gave fn must be dropped (Walk's caller keeps them pending
// until Walk returns nil). The returned error is for a path that cannot be
// read, or an error from fn.
func Walk(p string, lim Limits, fn func(Item) error, bad func(*FileError)) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		bad(&FileError{File: p, Err: fmt.Errorf("%w: a symbolic link (give the file itself)", ErrUnknownFile)})
		return nil
	case fi.IsDir():
		return filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || q == p {
				return nil
			}
			rel, _ := filepath.Rel(p, q)
			if junk(filepath.ToSlash(rel)) {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				bad(&FileError{File: q, Err: fmt.Errorf("%w: a symbolic link", ErrUnknownFile)})
				return nil
			}
			return walkFile(q, filepath.ToSlash(filepath.Join(filepath.Base(p), rel)), lim, fn, bad)
		})
	}
	return walkFile(p, filepath.Base(p), lim, fn, bad)
}

func walkFile(p, rel string, lim Limits, fn func(Item) error, bad func(*FileError)) error {
	if strings.EqualFold(path.Ext(rel), ".zip") {
		err := walkZip(p, lim, fn, bad)
		var fe *FileError
		if errors.As(err, &fe) {
			fe.Archive = true
			bad(fe)
			return nil
		}
		return err
	}
	ft, ok := fileTypes[strings.ToLower(path.Ext(rel))]
	if !ok {
		bad(&FileError{File: p, Err: ErrUnknownFile})
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	limit := lim.MaxPhotoBytes
	if ft.kind == Workbook {
		limit = lim.MaxWorkbookBytes
	}
	content, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return err
	}
	return emit(p, rel, content, lim, fn, bad)
}

// emit checks one file's content and hands it to fn or bad.
func emit(name, rel string, content []byte, lim Limits, fn func(Item) error, bad func(*FileError)) error {
	kind, ct, err := Sniff(rel, content, lim)
	examID, matched := "", false
	if kind == Photo || err != nil && fileTypes[strings.ToLower(path.Ext(rel))].kind == Photo {
		examID, matched = PhotoExam(rel)
		if err == nil && !matched {
			err = fmt.Errorf("%w: name it <exam-id>_<n>%s or put it in a folder named after the exam ID", ErrUnknownExam, path.Ext(rel))
		}
	}
	if err != nil {
		bad(&FileError{File: name, ExamID: examID, Err: err})
		return nil
	}
	return fn(Item{Name: name, Kind: kind, ExamID: examID, ContentType: ct, Content: content})
}

// walkZip checks every entry's name and type before reading any, then reads
// the entries counting the bytes they really unpack to. A *FileError
// rejects the whole ZIP.
func walkZip(p string, lim Limits, fn func(Item) error, bad func(*FileError)) error {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return &FileError{File: p, Err: fmt.Errorf("not a readable ZIP: %w", err)}
	}
	defer zr.Close()
	reject := func(format string, args ...any) error {
		return &FileError{File: p, Err: fmt.Errorf("%w: "+format, append([]any{ErrUnsafeZip}, args...)...)}
	}
	if len(zr.File) > lim.MaxZipEntries {
		return reject("%d entries, more than %d", len(zr.File), lim.MaxZipEntries)
	}
	for _, f := range zr.File {
		if err := checkEntry(f); err != nil {
			return reject("entry %q: %v", f.Name, err)
		}
	}
	var total int64
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		if f.FileInfo().IsDir() || junk(name) {
			continue
		}
		entry := p + "!" + name
		ft, ok := fileTypes[strings.ToLower(path.Ext(name))]
		if !ok {
			if strings.EqualFold(path.Ext(name), ".zip") {
				bad(&FileError{File: entry, Err: errors.New("a ZIP inside a ZIP is not accepted")})
			} else {
				bad(&FileError{File: entry, Err: ErrUnknownFile})
			}
			continue
		}
		limit := lim.MaxPhotoBytes
		if ft.kind == Workbook {
			limit = lim.MaxWorkbookBytes
		}
		rc, err := f.Open()
		if err != nil {
			return &FileError{File: entry, Err: err}
		}
		// Read at most one byte past what either limit allows: the
		// headers' sizes are claims, the bytes read are facts.
		content, err := io.ReadAll(io.LimitReader(rc, min(limit, lim.MaxZipBytes-total)+1))
		rc.Close()
		total += int64(len(content))
		if total > lim.MaxZipBytes {
			return reject("unpacks to more than %d bytes (zip bomb?)", lim.MaxZipBytes)
		}
		if err != nil {
			return &FileError{File: p, Err: fmt.Errorf("entry %q: %w", name, err)}
		}
		if err := emit(entry, name, content, lim, fn, bad); err != nil {
			return err
		}
	}
	return nil
}

// checkEntry refuses names that could land outside the import (absolute,
// drive letters, "..") and entries that are not plain files or folders.
func checkEntry(f *zip.File) error {
	name := strings.ReplaceAll(f.Name, `\`, "/")
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.HasPrefix(name, "/"):
		return errors.New("absolute path")
	case len(name) >= 2 && name[1] == ':':
		return errors.New("path with a drive letter")
	case strings.ContainsRune(name, 0):
		return errors.New("NUL in the name")
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return errors.New("path traversal (..)")
		}
	}
	mode := f.Mode()
	if mode&fs.ModeSymlink != 0 {
		return errors.New("symbolic link")
	}
	if mode&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice|fs.ModeIrregular) != 0 {
		return fmt.Errorf("not a regular file (%s)", mode.Type())
	}
	if f.Flags&0x1 != 0 {
		return errors.New("encrypted")
	}
	return nil
}
