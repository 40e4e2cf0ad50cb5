// Package notices tells carriers and terminals which containers are held for a CBSA
// exam and when the hold ends: the hold and release notices of issue 10 §4.
//
// When containers are selected (risk assessments that select a bill), the carrier
// that filed the bill gets a hold notice for each of its containers; when the exam
// ends (an exam result), a release, or a continued hold that says the outcome. A
// carrier that filed in X12 gets a 350 Customs Status Information (GS01 SO in 4010,
// AU from 4030; M10 echoing its manifest, a P4 loop with one X4 per container: the
// bill, the in-bond entry, date and time, the disposition code in X4-07, the bill's
// SCAC, the equipment, the port; K1 remarks with the disposition's text and the bolt
// seal applied); a carrier that filed in EDIFACT gets a CUSRES D00B (BGM 961, RFF+ACW
// to the message that filed the bill and RFF+BM, EQD, the disposition as ERP, ERC and
// FTX+AAO). Who filed, and how, comes from the harmonized record's filing.filer and
// provenance; Config routes carriers that filed tables, overrides identities, and
// names the terminals that get copies for their ports. The disposition codes are a
// YAML table (Codes; DefaultCodes documents the shipped one), since CBSA's are not
// public.
//
// Build reads the inputs (JSON lines: risk assessments, harmonized records, exam
// results) and returns one interchange per recipient and standard, each checked with
// edi.Inspect before it is returned. Control numbers come from an ack.ControlNumbers
// in the acknowledgments' scopes, so a partner never sees one twice whatever icss sends
// it. Event keys ("<bill>/<container>/hold/v<record version>",
// "<bill>/<container>/release/<exam ID>/v<result version>") make each notice an event
// sent once per recipient.
//
// The daemon's job calls Notify (Build against the ledger: its control numbers, the
// events it has recorded; each file stored in a blob store and recorded with its
// pending delivery in one transaction) and then Deliver (each pending notice file
// pushed into its endpoint's SFTP outbox, exactly once, then marked sent). `icss notice
// build` writes the files into a directory by hand.
//
// Measured on the shared 2-core machine (BenchmarkBuild): holds and releases for
// 10,000 bills, 30,000 notices in 20 interchanges, each inspected, in 0.43 s (about
// 70,000 notices/s; 1.3 to 1.6 s under a load average of 9 to 12). Only the selected
// bills' records, and the versions of those the results name, are decoded and kept;
// the others are passed by on their key.
package notices
