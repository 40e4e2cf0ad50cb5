CREATE TABLE control_numbers (
	scope TEXT    PRIMARY KEY,
	last  INTEGER NOT NULL
);

CREATE TABLE deliveries (
	id         INTEGER PRIMARY KEY,
	endpoint   TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	sha256     TEXT    NOT NULL,
	blob_key   TEXT    NOT NULL,
	state      TEXT    NOT NULL CHECK (state IN ('pending','sent','confirmed','failed')),
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (endpoint, name)
);

CREATE TABLE evidence_links (
	manifest_seq   INTEGER NOT NULL REFERENCES evidence_manifests (seq),
	bill_key       TEXT    NOT NULL,
	record_version INTEGER NOT NULL,
	assessment     TEXT    NOT NULL DEFAULT '',
	shipment_id    INTEGER REFERENCES shipments (id),
	PRIMARY KEY (manifest_seq, bill_key)
);

CREATE TABLE evidence_manifests (
	seq            INTEGER PRIMARY KEY,
	sha256         TEXT    NOT NULL UNIQUE,
	previous       TEXT    NOT NULL,
	blob_key       TEXT    NOT NULL,
	exam_id        TEXT    NOT NULL,
	version        INTEGER NOT NULL CHECK (version > 0),
	supersedes     TEXT    NOT NULL DEFAULT '',
	content_sha256 TEXT    NOT NULL,
	exam_list      TEXT    NOT NULL,
	container      TEXT    NOT NULL,
	outcome        TEXT    NOT NULL,
	recorded_at    INTEGER NOT NULL,
	indexed_at     INTEGER NOT NULL,
	UNIQUE (exam_id, version)
);

CREATE TABLE exam_list_entries (
	exam_list_id INTEGER NOT NULL REFERENCES exam_lists (id),
	position     INTEGER NOT NULL,
	shipment_id  INTEGER NOT NULL REFERENCES shipments (id),
	version      INTEGER NOT NULL,
	PRIMARY KEY (exam_list_id, position),
	UNIQUE (exam_list_id, shipment_id)
);

CREATE TABLE exam_lists (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL UNIQUE,
	blob_key   TEXT    NOT NULL,
	sha256     TEXT    NOT NULL,
	row_count  INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE exam_results (
	id            INTEGER PRIMARY KEY,
	shipment_id   INTEGER NOT NULL REFERENCES shipments (id),
	outcome       TEXT    NOT NULL,
	examined_at   INTEGER NOT NULL,
	examiner      TEXT    NOT NULL DEFAULT '',
	notes         TEXT    NOT NULL DEFAULT '',
	evidence      TEXT    NOT NULL DEFAULT '',
	source_sha256 TEXT    NOT NULL,
	recorded_at   INTEGER NOT NULL,
	UNIQUE (shipment_id, source_sha256)
);

CREATE TABLE files (
	id           INTEGER PRIMARY KEY,
	endpoint     TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	size         INTEGER NOT NULL,
	mtime        INTEGER NOT NULL,
	sha256       TEXT,
	blob_key     TEXT,
	state        TEXT    NOT NULL CHECK (state IN ('seen','fetched','duplicate','parsed','acknowledged','quarantined','archived')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT    NOT NULL DEFAULT '',
	duplicate_of INTEGER REFERENCES files (id),
	seen_at      INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	UNIQUE (endpoint, name, size, mtime)
);

CREATE TABLE job_runs (
	id          INTEGER PRIMARY KEY,
	job         TEXT    NOT NULL,
	run_key     TEXT    NOT NULL,
	state       TEXT    NOT NULL CHECK (state IN ('running','succeeded','failed')),
	node        TEXT    NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 1,
	started_at  INTEGER NOT NULL,
	finished_at INTEGER,
	error       TEXT    NOT NULL DEFAULT '',
	UNIQUE (job, run_key)
);

CREATE TABLE notice_events (
	id          INTEGER PRIMARY KEY,
	event_key   TEXT    NOT NULL,
	recipient   TEXT    NOT NULL,
	kind        TEXT    NOT NULL CHECK (kind IN ('hold','release')),
	bill_key    TEXT    NOT NULL,
	container   TEXT    NOT NULL,
	exam_id     TEXT    NOT NULL DEFAULT '',
	disposition TEXT    NOT NULL,
	standard    TEXT    NOT NULL CHECK (standard IN ('x12','edifact')),
	control     TEXT    NOT NULL,
	message     TEXT    NOT NULL,
	delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
	created_at  INTEGER NOT NULL,
	UNIQUE (event_key, recipient)
);

CREATE TABLE schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT   NOT NULL,
		applied_at BIGINT NOT NULL);

CREATE TABLE scores (
	id            INTEGER PRIMARY KEY,
	shipment_id   INTEGER NOT NULL,
	version       INTEGER NOT NULL,
	rules_version TEXT    NOT NULL,
	score         REAL    NOT NULL,
	decision      TEXT    NOT NULL,
	findings      TEXT    NOT NULL DEFAULT '',
	scored_at     INTEGER NOT NULL,
	UNIQUE (shipment_id, version, rules_version),
	FOREIGN KEY (shipment_id, version) REFERENCES shipment_versions (shipment_id, version)
);

CREATE TABLE shipment_versions (
	shipment_id INTEGER NOT NULL REFERENCES shipments (id),
	version     INTEGER NOT NULL,
	sha256      TEXT    NOT NULL,
	blob_key    TEXT    NOT NULL,
	file_id     INTEGER REFERENCES files (id),
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (shipment_id, version),
	UNIQUE (shipment_id, sha256)
);

CREATE TABLE shipments (
	id             INTEGER PRIMARY KEY,
	key            TEXT    NOT NULL UNIQUE,
	latest_version INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);

CREATE INDEX deliveries_state ON deliveries (state, endpoint, id);

CREATE INDEX evidence_links_record ON evidence_links (bill_key, record_version);

CREATE INDEX evidence_manifests_list ON evidence_manifests (exam_list, exam_id);

CREATE UNIQUE INDEX files_content ON files (endpoint, sha256) WHERE sha256 IS NOT NULL AND duplicate_of IS NULL;

CREATE INDEX files_state ON files (state, endpoint, id);

CREATE INDEX job_runs_job ON job_runs (job, state, started_at);

CREATE INDEX notice_events_container ON notice_events (container, bill_key);

CREATE INDEX notice_events_delivery ON notice_events (delivery_id);

