-- Evidence manifests (storage/evidence), PostgreSQL dialect: an index of the
-- hash chain kept in the evidence blob store, which stays the truth. One row
-- per manifest (one recorded version of an exam result), linked to its exam
-- list, and through evidence_links to the bills, record versions and
-- assessments that put the container on the list.
CREATE TABLE evidence_manifests (
	seq            BIGINT  PRIMARY KEY,
	sha256         TEXT    NOT NULL UNIQUE,
	previous       TEXT    NOT NULL,
	blob_key       TEXT    NOT NULL,
	exam_id        TEXT    NOT NULL,
	version        BIGINT  NOT NULL CHECK (version > 0),
	supersedes     TEXT    NOT NULL DEFAULT '',
	content_sha256 TEXT    NOT NULL,
	exam_list      TEXT    NOT NULL,
	container      TEXT    NOT NULL,
	outcome        TEXT    NOT NULL,
	recorded_at    BIGINT  NOT NULL,
	indexed_at     BIGINT  NOT NULL,
	UNIQUE (exam_id, version)
);
CREATE INDEX evidence_manifests_list ON evidence_manifests (exam_list, exam_id);

-- One row per bill of the exam's container. shipment_id is set when the
-- ledger knows the bill's shipment (records normalized on this ledger).
CREATE TABLE evidence_links (
	manifest_seq   BIGINT  NOT NULL REFERENCES evidence_manifests (seq),
	bill_key       TEXT    NOT NULL,
	record_version BIGINT  NOT NULL,
	assessment     TEXT    NOT NULL DEFAULT '',
	shipment_id    BIGINT  REFERENCES shipments (id),
	PRIMARY KEY (manifest_seq, bill_key)
);
CREATE INDEX evidence_links_record ON evidence_links (bill_key, record_version);
