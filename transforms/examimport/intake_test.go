package examimport

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/tiff"
)

func img(w, h int) image.Image {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		m.Set(x, x%h, color.RGBA{200, 30, 30, 255})
	}
	return m
}

func jpegBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img(16, 12), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tiffBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := tiff.Encode(&b, img(8, 8), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

func TestSniff(t *testing.T) {
	lim := DefaultLimits()
	small := lim
	small.MaxPixels = 100
	tests := []struct {
		name    string
		file    string
		content []byte
		lim     Limits
		kind    Kind
		wantErr error
	}{
		{"JPEG", "a.jpg", jpegBytes(t), lim, Photo, nil},
		{"JPEGUpperExt", "a.JPEG", jpegBytes(t), lim, Photo, nil},
		{"PNG", "a.png", pngBytes(t, 4, 4), lim, Photo, nil},
		{"TIFF", "a.tif", tiffBytes(t), lim, Photo, nil},
		{"PDF", "a.pdf", pdfBytes, lim, Photo, nil},
		{"Workbook", "r.xlsx", []byte("PK\x03\x04rest"), lim, Workbook, nil},
		{"PNGNamedJPG", "a.jpg", pngBytes(t, 4, 4), lim, 0, ErrBadContent},
		{"JPEGNamedPNG", "a.png", jpegBytes(t), lim, 0, ErrBadContent},
		{"TruncatedJPEG", "a.jpg", jpegBytes(t)[:20], lim, 0, ErrBadContent},
		{"TextNamedTIFF", "a.tiff", []byte("hello"), lim, 0, ErrBadContent},
		{"TruncatedPDF", "a.pdf", pdfBytes[:20], lim, 0, ErrBadContent},
		{"Empty", "a.jpg", nil, lim, 0, ErrBadContent},
		{"TooManyPixels", "a.png", pngBytes(t, 20, 20), small, 0, ErrTooLarge},
		{"TooManyBytes", "a.jpg", jpegBytes(t), Limits{MaxPhotoBytes: 10, MaxPixels: 1e9, MaxWorkbookBytes: 1, MaxZipEntries: 1, MaxZipBytes: 1}, 0, ErrTooLarge},
		{"GIF", "a.gif", []byte("GIF89a"), lim, 0, ErrUnknownFile},
		{"XlsNamedXlsx", "r.xlsx", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), lim, 0, ErrBadContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, _, err := Sniff(tt.file, tt.content, tt.lim)
			if !errors.Is(err, tt.wantErr) || kind != tt.kind {
				t.Fatalf("Sniff = %v, %v; want %v, %v", kind, err, tt.kind, tt.wantErr)
			}
		})
	}
}

func TestPhotoExam(t *testing.T) {
	for rel, want := range map[string]string{
		"CAPRR-20261204-0007_1.jpg":             "CAPRR-20261204-0007",
		"caprr-20261204-0007_front door.png":    "CAPRR-20261204-0007",
		"photos/CAPRR-20261204-1800-0012/a.jpg": "CAPRR-20261204-1800-0012",
		"CAPRR-20261204-0007/IMG_0001.jpg":      "CAPRR-20261204-0007",
		"IMG_0001.jpg":                          "",
		"CAPRR-20261204-0007.jpg":               "",
	} {
		got, ok := PhotoExam(rel)
		if got != want || ok != (want != "") {
			t.Errorf("PhotoExam(%q) = %q, %v; want %q", rel, got, ok, want)
		}
	}
}

type zipEntry struct {
	name    string
	content []byte
	mode    fs.FileMode
}

func writeZip(t testing.TB, dir string, entries ...zipEntry) string {
	p := filepath.Join(dir, "return.zip")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// lyingZip holds one entry whose headers claim 100 bytes but which unpacks
// to size zero bytes.
func lyingZip(t testing.TB, dir string, size int) string {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(make([]byte, size))
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "CAPRR-20261204-0001_1.jpg", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE(make([]byte, size)), CompressedSize64: uint64(comp.Len()), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	p := filepath.Join(dir, "bomb.zip")
	os.WriteFile(p, b.Bytes(), 0o644)
	return p
}

func TestWalkZip(t *testing.T) {
	photo := jpegBytes(t)
	wb := []byte("PK\x03\x04workbook")
	lim := DefaultLimits()
	tight := lim
	tight.MaxZipEntries, tight.MaxZipBytes = 3, 1<<20
	tests := []struct {
		name    string
		zip     func(dir string) string
		lim     Limits
		items   []string // "kind:exam:name" of items given to fn
		bad     []string // substrings of the errors, in order
		zipFail bool     // the whole ZIP is rejected
	}{
		{"WorkbookAndPhotos", func(d string) string {
			return writeZip(t, d, zipEntry{name: "return.xlsx", content: wb}, zipEntry{name: "CAPRR-20261204-0001_1.jpg", content: photo},
				zipEntry{name: "CAPRR-20261204-0002/front.jpg", content: photo}, zipEntry{name: "__MACOSX/._x.jpg", content: []byte("junk")},
				zipEntry{name: "photos/", mode: fs.ModeDir | 0o755})
		}, lim, []string{"1::return.xlsx", "2:CAPRR-20261204-0001:CAPRR-20261204-0001_1.jpg", "2:CAPRR-20261204-0002:CAPRR-20261204-0002/front.jpg"}, nil, false},
		{"BadPhotoRejectedAlone", func(d string) string {
			return writeZip(t, d, zipEntry{name: "CAPRR-20261204-0001_1.jpg", content: []byte("not a jpeg")}, zipEntry{name: "CAPRR-20261204-0002_1.jpg", content: photo},
				zipEntry{name: "IMG_1.jpg", content: photo}, zipEntry{name: "notes.txt", content: []byte("x")}, zipEntry{name: "inner.zip", content: []byte("PK")})
		}, lim, []string{"2:CAPRR-20261204-0002:CAPRR-20261204-0002_1.jpg"},
			[]string{"CAPRR-20261204-0001_1.jpg: content does not match", "IMG_1.jpg: cannot tell which exam", "notes.txt: not a workbook", "inner.zip: a ZIP inside a ZIP"}, false},
		{"Traversal", func(d string) string {
			return writeZip(t, d, zipEntry{name: "CAPRR-20261204-0001_1.jpg", content: photo}, zipEntry{name: "../../etc/CAPRR-20261204-0001_2.jpg", content: photo})
		}, lim, nil, []string{"path traversal"}, true},
		{"TraversalBackslash", func(d string) string {
			return writeZip(t, d, zipEntry{name: `..\CAPRR-20261204-0001_2.jpg`, content: photo})
		}, lim, nil, []string{"path traversal"}, true},
		{"Absolute", func(d string) string {
			return writeZip(t, d, zipEntry{name: "/tmp/CAPRR-20261204-0001_2.jpg", content: photo})
		}, lim, nil, []string{"absolute path"}, true},
		{"DriveLetter", func(d string) string {
			return writeZip(t, d, zipEntry{name: "C:/x/CAPRR-20261204-0001_2.jpg", content: photo})
		}, lim, nil, []string{"drive letter"}, true},
		{"Symlink", func(d string) string {
			return writeZip(t, d, zipEntry{name: "CAPRR-20261204-0001_2.jpg", content: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777})
		}, lim, nil, []string{"symbolic link"}, true},
		{"TooManyEntries", func(d string) string {
			var es []zipEntry
			for range 4 {
				es = append(es, zipEntry{name: "CAPRR-20261204-0001_1.jpg", content: photo})
			}
			return writeZip(t, d, es...)
		}, tight, nil, []string{"4 entries, more than 3"}, true},
		// archive/zip itself stops an entry at the size its header claims.
		{"LyingHeader", func(d string) string { return lyingZip(t, d, 8<<20) }, tight, nil, []string{"not a valid zip file"}, true},
		{"Bomb", func(d string) string {
			zeros := make([]byte, 400<<10)
			return writeZip(t, d, zipEntry{name: "CAPRR-20261204-0001_1.jpg", content: zeros}, zipEntry{name: "CAPRR-20261204-0001_2.jpg", content: zeros},
				zipEntry{name: "CAPRR-20261204-0001_3.jpg", content: zeros})
		}, tight, nil, []string{"CAPRR-20261204-0001_1.jpg: content does not match", "CAPRR-20261204-0001_2.jpg: content does not match", "more than 1048576 bytes (zip bomb?)"}, true},
		{"NotAZip", func(d string) string {
			p := filepath.Join(d, "x.zip")
			os.WriteFile(p, []byte("hello"), 0o644)
			return p
		}, lim, nil, []string{"not a readable ZIP"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.zip(t.TempDir())
			var items, bad []string
			var zipRejected bool
			err := Walk(p, tt.lim, func(it Item) error {
				items = append(items, string(rune('0'+it.Kind))+":"+it.ExamID+":"+it.Name[strings.Index(it.Name, "!")+1:])
				return nil
			}, func(fe *FileError) {
				bad = append(bad, fe.Error())
				if fe.File == p {
					zipRejected = true
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.zipFail {
				items = nil // the caller drops what a rejected ZIP gave
			}
			if strings.Join(items, "|") != strings.Join(tt.items, "|") {
				t.Errorf("items %q, want %q", items, tt.items)
			}
			if len(bad) != len(tt.bad) {
				t.Fatalf("errors %q, want %d containing %q", bad, len(tt.bad), tt.bad)
			}
			for i := range bad {
				if !strings.Contains(bad[i], tt.bad[i]) {
					t.Errorf("error %q does not contain %q", bad[i], tt.bad[i])
				}
			}
			if zipRejected != tt.zipFail {
				t.Errorf("whole ZIP rejected = %v, want %v", zipRejected, tt.zipFail)
			}
		})
	}
}

// A directory of photos in per-exam folders, with a symlink refused.
func TestWalkDirectory(t *testing.T) {
	d := t.TempDir()
	os.MkdirAll(filepath.Join(d, "CAPRR-20261204-0003"), 0o755)
	os.WriteFile(filepath.Join(d, "CAPRR-20261204-0003", "door.png"), pngBytes(t, 3, 3), 0o644)
	os.WriteFile(filepath.Join(d, ".DS_Store"), []byte("junk"), 0o644)
	os.Symlink("/etc/passwd", filepath.Join(d, "CAPRR-20261204-0003_9.jpg"))
	var items, bad []string
	if err := Walk(d, DefaultLimits(), func(it Item) error { items = append(items, it.ExamID); return nil },
		func(fe *FileError) { bad = append(bad, fe.Error()) }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(items, ",") != "CAPRR-20261204-0003" || len(bad) != 1 || !strings.Contains(bad[0], "symbolic link") {
		t.Fatalf("items %v, errors %v", items, bad)
	}
}

func FuzzSniff(f *testing.F) {
	f.Add("a.jpg", jpegBytes(f))
	f.Add("a.png", pngBytes(f, 2, 2))
	f.Add("a.tif", tiffBytes(f))
	f.Add("a.pdf", pdfBytes)
	f.Add("a.tiff", []byte("MM\x00*\x00\x00\x00\x08"))
	lim := DefaultLimits()
	lim.MaxPixels = 1 << 20
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		kind, ct, err := Sniff(name, content, lim)
		if err != nil {
			return
		}
		if kind == 0 || ct == "" || len(content) < 4 {
			t.Fatalf("accepted %q (%d bytes) as kind %d %q", name, len(content), kind, ct)
		}
	})
}

func FuzzWalkZip(f *testing.F) {
	dir := f.TempDir()
	for _, p := range []string{
		writeZip(f, dir, zipEntry{name: "CAPRR-20261204-0001_1.jpg", content: jpegBytes(f)}, zipEntry{name: "r.xlsx", content: []byte("PK\x03\x04")}),
		lyingZip(f, dir, 4096),
	} {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	lim := DefaultLimits()
	lim.MaxZipBytes, lim.MaxPixels = 1<<20, 1<<20
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.zip")
		os.WriteFile(p, data, 0o644)
		var total int
		err := Walk(p, lim, func(it Item) error {
			total += len(it.Content)
			name := it.Name[strings.Index(it.Name, "!")+1:]
			if strings.HasPrefix(name, "/") || strings.Contains("/"+name+"/", "/../") {
				t.Fatalf("unsafe entry %q given", it.Name)
			}
			return nil
		}, func(*FileError) {})
		if err != nil {
			t.Fatal(err)
		}
		if int64(total) > lim.MaxZipBytes {
			t.Fatalf("%d bytes unpacked, limit %d", total, lim.MaxZipBytes)
		}
	})
}
