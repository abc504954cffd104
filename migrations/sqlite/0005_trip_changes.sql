-- A published plan is changed, not replaced: a stop taken off a trip keeps why and when
-- (cancelled, no_show, replanned, ...), each change of a trip is a row its driver
-- acknowledges, and a booking whose pick-up moved keeps the time it had and why it moved,
-- for its secretary.
ALTER TABLE trip_stops ADD COLUMN removed_reason TEXT;
ALTER TABLE trip_stops ADD COLUMN removed_at INTEGER;
ALTER TABLE bookings ADD COLUMN previous_pickup INTEGER;
ALTER TABLE bookings ADD COLUMN change_reason TEXT;
ALTER TABLE bookings ADD COLUMN changed_at INTEGER;
-- When the health check at the site failed (no shot; the elder goes home early).
ALTER TABLE bookings ADD COLUMN health_check_failed_at INTEGER;
CREATE TABLE trip_changes (
    id INTEGER PRIMARY KEY,
    trip_id INTEGER NOT NULL REFERENCES trips(id),
    reason TEXT NOT NULL,
    changes TEXT NOT NULL,               -- JSON: {"added": [stop], "removed": [stop], "retimed": [[stop, from, to]]}
    created_at INTEGER NOT NULL,
    acknowledged_at INTEGER
);
CREATE INDEX trip_changes_trip ON trip_changes(trip_id);
