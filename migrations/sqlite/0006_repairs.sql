-- The day as a sequence of events, each followed by a repair of the published plan: an event
-- (a cancellation, a no-show, a failed health check, a declined trip, an urgent booking) is a
-- row of the day's log and queues a repair, a planning job with the event's reason; the draft
-- it makes says why (its reason) and what publishing it would change (drivers disturbed,
-- minutes moved); a district may let small repairs apply by themselves.
ALTER TABLE plan_jobs ADD COLUMN reason TEXT;
ALTER TABLE plans ADD COLUMN reason TEXT;
ALTER TABLE plans ADD COLUMN changes TEXT;
ALTER TABLE districts ADD COLUMN auto_repair INTEGER;
CREATE TABLE day_events (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    booking_id INTEGER REFERENCES bookings(id),
    trip_id INTEGER REFERENCES trips(id),
    job_id INTEGER REFERENCES plan_jobs(id),
    at INTEGER NOT NULL
);
CREATE INDEX day_events_by_day ON day_events (district_id, day, id);
