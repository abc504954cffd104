-- The campaign's ledger (issue 16): each shot given, to whom, which, on which day and where.
-- A vaccination recorded for a booking is that booking's only one (a report repeated records
-- nothing more); the elder's dose status moves on with it.
CREATE TABLE vaccinations (
    id INTEGER PRIMARY KEY,
    elder_id INTEGER NOT NULL REFERENCES elders(id),
    booking_id INTEGER UNIQUE REFERENCES bookings(id),
    shot TEXT NOT NULL CHECK (shot IN ('first', 'second', 'booster')),
    day TEXT NOT NULL,
    site_id INTEGER REFERENCES sites(id),
    recorded_by INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE INDEX vaccinations_by_day ON vaccinations (day);
CREATE INDEX vaccinations_by_elder ON vaccinations (elder_id);
