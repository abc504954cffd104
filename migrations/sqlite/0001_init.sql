-- vaxride schema, SQLite flavour (the PostgreSQL file says the same in its own dialect).
-- Times of day are seconds since local midnight; instants are Unix seconds; days are 'YYYY-MM-DD';
-- coordinates are WGS-84 degrees (inputs in GCJ-02/BD-09 are converted before they are stored).

CREATE TABLE districts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    boundary TEXT,                       -- GeoJSON polygon, optional
    UNIQUE (district_id, name)
);

CREATE TABLE vehicles (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL,
    seats INTEGER NOT NULL CHECK (seats >= 1),
    wheelchairs INTEGER NOT NULL CHECK (wheelchairs >= 0),
    features TEXT NOT NULL DEFAULT '',   -- comma-separated, e.g. 'ramp'
    shift_from INTEGER NOT NULL,
    shift_to INTEGER NOT NULL CHECK (shift_to > shift_from),
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE drivers (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    vehicle_id INTEGER UNIQUE REFERENCES vehicles(id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'secretary', 'driver')),
    district_id INTEGER REFERENCES districts(id),
    community_id INTEGER REFERENCES communities(id),
    driver_id INTEGER REFERENCES drivers(id),
    display_name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    CHECK (role <> 'secretary' OR community_id IS NOT NULL),
    CHECK (role <> 'driver' OR driver_id IS NOT NULL)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,         -- SHA-256 of the opaque token, hex
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE elders (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    mobility TEXT NOT NULL CHECK (mobility IN ('walks', 'wheelchair', 'bedridden')),
    companions INTEGER NOT NULL DEFAULT 0 CHECK (companions BETWEEN 0 AND 3),
    dose TEXT NOT NULL CHECK (dose IN ('none', 'first', 'full', 'booster')),
    priority INTEGER NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 5),
    notes TEXT NOT NULL DEFAULT '',
    birth_year INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE INDEX elders_community ON elders(community_id);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fixed', 'community_point', 'van_stop')),
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    open_days TEXT NOT NULL DEFAULT '1234567', -- ISO weekdays the site opens
    open_from INTEGER NOT NULL,
    open_to INTEGER NOT NULL CHECK (open_to > open_from),
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
    capacity_per_slot INTEGER NOT NULL CHECK (capacity_per_slot >= 1),
    booked_share DOUBLE PRECISION NOT NULL DEFAULT 1.0 CHECK (booked_share > 0 AND booked_share <= 1),
    doses TEXT NOT NULL DEFAULT 'first,second,booster',
    van_id INTEGER,                      -- for van stops: the van
    day TEXT,                            -- for van stops: the only day it is there
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE vans (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL
);

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    elder_id INTEGER NOT NULL REFERENCES elders(id),
    day TEXT NOT NULL,
    window_from INTEGER NOT NULL,
    window_to INTEGER NOT NULL CHECK (window_to > window_from),
    site_id INTEGER REFERENCES sites(id),
    return_wanted INTEGER NOT NULL,
    dwell_minutes INTEGER NOT NULL CHECK (dwell_minutes BETWEEN 0 AND 240),
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    unserved_reason TEXT,                -- why the published plan leaves it out
    status_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX bookings_day ON bookings(day, community_id);
-- One live booking per elder and day.
CREATE UNIQUE INDEX bookings_one_live ON bookings(elder_id, day) WHERE status <> 'cancelled';

CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL REFERENCES users(id),
    key TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    day TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'superseded')),
    figures TEXT NOT NULL,               -- JSON
    routes TEXT NOT NULL,                -- JSON (stops, times, geometry)
    unassigned TEXT NOT NULL,            -- JSON
    created_at INTEGER NOT NULL,
    published_at INTEGER,
    UNIQUE (district_id, day, version)
);
CREATE UNIQUE INDEX plans_one_published ON plans(district_id, day) WHERE status = 'published';

CREATE TABLE plan_jobs (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    day TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    stage TEXT NOT NULL,
    percent INTEGER NOT NULL,
    best TEXT,                           -- JSON figures of the best plan so far
    plan_id INTEGER REFERENCES plans(id),
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE trips (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    vehicle_id INTEGER NOT NULL REFERENCES vehicles(id),
    driver_id INTEGER REFERENCES drivers(id),
    status TEXT NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'done', 'cancelled')),
    active INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL
);

CREATE TABLE trip_stops (
    id INTEGER PRIMARY KEY,
    trip_id INTEGER NOT NULL REFERENCES trips(id),
    position INTEGER NOT NULL,
    booking_id INTEGER NOT NULL REFERENCES bookings(id),
    kind TEXT NOT NULL CHECK (kind IN ('pickup_home', 'drop_site', 'pickup_site', 'drop_home')),
    site_id INTEGER REFERENCES sites(id),
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    planned INTEGER NOT NULL,            -- planned service start, seconds of the day
    done TEXT,                           -- the report that closed it: arrived/picked_up/no_show/...
    done_at INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    UNIQUE (trip_id, position)
);
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

CREATE TABLE driver_outbox (
    id INTEGER PRIMARY KEY,
    driver_id INTEGER NOT NULL REFERENCES drivers(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    acked_at INTEGER,
    UNIQUE (driver_id, seq)
);
