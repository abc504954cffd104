-- Home visits (issue 16): a vehicle may be a home-visit team, which carries its shots for the
-- day (shots_per_day; NULL for a car for rides), and a trip may stop at a bedridden elder's
-- home for a visit. SQLite cannot change a CHECK constraint in place, so trip_stops is rebuilt.
-- Foreign keys stay on: reports, the one table referencing trip_stops, is set aside as plain
-- rows first and made again after, so no row ever points at a missing stop.
ALTER TABLE vehicles ADD COLUMN shots_per_day INTEGER
    CHECK (shots_per_day IS NULL OR shots_per_day BETWEEN 1 AND 500);

CREATE TABLE reports_rows AS SELECT id, trip_stop_id, event, driver_id, at FROM reports;
DROP TABLE reports;

CREATE TABLE trip_stops_visits (
    id INTEGER PRIMARY KEY,
    trip_id INTEGER NOT NULL REFERENCES trips(id),
    position INTEGER NOT NULL,
    booking_id INTEGER NOT NULL REFERENCES bookings(id),
    kind TEXT NOT NULL
        CHECK (kind IN ('pickup_home', 'drop_site', 'pickup_site', 'drop_home', 'home_visit')),
    site_id INTEGER REFERENCES sites(id),
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    planned INTEGER NOT NULL,            -- planned service start, seconds of the day
    done TEXT,                           -- the report that closed it: arrived/picked_up/no_show/...
    done_at INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    removed_reason TEXT,
    removed_at INTEGER,
    slot INTEGER,
    UNIQUE (trip_id, position)
);
INSERT INTO trip_stops_visits (id, trip_id, position, booking_id, kind, site_id, lon, lat,
    planned, done, done_at, active, removed_reason, removed_at, slot)
SELECT id, trip_id, position, booking_id, kind, site_id, lon, lat, planned, done, done_at,
    active, removed_reason, removed_at, slot FROM trip_stops;
DROP TABLE trip_stops;
ALTER TABLE trip_stops_visits RENAME TO trip_stops;
-- A booking's stop of one kind is in at most one active trip.
CREATE UNIQUE INDEX trip_stops_one_active ON trip_stops(booking_id, kind) WHERE active = 1;

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    trip_stop_id INTEGER NOT NULL REFERENCES trip_stops(id),
    event TEXT NOT NULL,
    driver_id INTEGER NOT NULL REFERENCES drivers(id),
    at INTEGER NOT NULL,
    UNIQUE (trip_stop_id, event)
);
INSERT INTO reports (id, trip_stop_id, event, driver_id, at)
SELECT id, trip_stop_id, event, driver_id, at FROM reports_rows;
DROP TABLE reports_rows;
