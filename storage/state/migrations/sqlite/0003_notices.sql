-- Hold and release notices to carriers and terminals (transforms/notices), SQLite
-- dialect. One row per notice event and recipient: a rerun finds the event here
-- and sends nothing new. Each event names the interchange file that carries it,
-- whose push is a row of deliveries, queued in the same transaction.
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
CREATE INDEX notice_events_container ON notice_events (container, bill_key);
CREATE INDEX notice_events_delivery ON notice_events (delivery_id);
