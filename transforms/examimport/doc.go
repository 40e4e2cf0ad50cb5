// Package examimport takes in what port officers return: the exam list
// workbook filled in, photos (JPEG, PNG, TIFF, PDF) and ZIPs of them, and
// turns every filled-in row into a signed, versioned exam result backed by
// evidence (storage/evidence). The daemon's import job and `icss exam
// import` both call Import.
//
// # Intake (Walk, Sniff)
//
// A photo's bytes must be what its extension says (magic bytes), an image
// must decode (image.DecodeConfig; golang.org/x/image/tiff for TIFF) within
// Limits.MaxPixels, a PDF must be complete, and every file is within its
// size limit. A photo belongs to the exam its name starts with
// ("<exam-id>_<anything>.<ext>") or to the exam its folder is named after.
// A ZIP is refused whole when an entry name is absolute, has a drive letter
// or "..", when an entry is a symbolic link or special file or encrypted,
// when it has more than Limits.MaxZipEntries entries, or when its entries
// unpack to more than Limits.MaxZipBytes, counted on the bytes actually read
// (the sizes in its headers are claims; archive/zip also stops an entry at
// its claimed size). A bad photo inside a good ZIP is rejected alone, and
// its exam's row with it.
//
// # Rows
//
// transforms/examlist reads the rows (ReadReturns: cell forms, vocabularies,
// required cells); Import checks each row against the list as issued (the
// original given as Options.List, else the hidden sheet of the returned
// workbook): a known exam ID filled in once in the whole import, the
// container and bills unchanged, the exam time after the list was issued and
// not in the future, a bolt seal when an exam that opens the container ended
// in "no finding", the photos received and accepted, as many as the photo
// count. Every problem of a row is reported as an *exam.CellError (file,
// sheet, row, column) and nothing of the row is recorded; other rows go on.
//
// # Versions
//
// An accepted row becomes an exam.Result recorded by evidence.Store.Record:
// a row that says what the exam's latest version says records nothing
// (importing the same return twice is harmless); a changed row becomes the
// next version, superseding the previous manifest, which is kept. A
// corrected workbook sent without the photos again keeps the photos of the
// version it corrects.
//
// # Performance
//
// Photos are stored in batches (evidence.PutObjects over blob.PutAll) and
// the accepted rows' manifests appended in runs (evidence.RecordAll), so
// that blob.Dir shares its fsyncs across a batch; the workbooks are read
// while the last photo batches are stored.
//
// Recording each row as soon as its own photos are stored, overlapping the
// manifests with the photo batches, was tried (branch importspeed2: a first
// walk noting each photo's name, size and SHA-256 so that rows are checked
// before any photo is stored, a second walk storing them) and measured
// alternately with this code at load 2-11: 18.5 and 21 s (20-35 s, peak
// RSS up to 198 MB, when the workbook was also read during the photos)
// against 17-34 s, CPU 18-25 s against 17-28 s; at load 2, 18.5 s against
// 17 s. The import is CPU-bound here (CPU about equals wall), so the phases
// only compete for the same two cores, and the second walk costs CPU of
// its own: it did not pay.
//
// BenchmarkImport (10,000-row list, 9,999 rows filled, 17,992 photos of
// ~2 KB; evidence in a blob.Dir on disk; the import alone in a child
// process) on the project's 2-core machine shared with other developers'
// work, load average 3-8: 18-38 s (23 s by go test -bench), CPU 20-41 s,
// two thirds of it in the kernel (fsync), which is what varies; peak RSS
// 154-170 MB. The code before batching, run alternately on the same saved
// return: 46-82 s, CPU 37-42 s, peak RSS 140 MB. In a 23 s run, walking and storing the photos took 12 s, reading
// the workbook 3 s (overlapping the last photo batches), and the 10,000
// manifests 8.4 s: each is linked and its directory fsynced before the next
// (an ordered batch), so that a crash never leaves a gap in the chain.
package examimport
