-- A walker booked into a van stop's slot, with no ride (issue 16): the booking names the van
-- stop and the slot as its window; the day's planning leaves it out, and the stop's slots keep
-- for walkers what the rides do not take (capacity less the share booked by rides).
ALTER TABLE bookings ADD COLUMN walk_in BIGINT NOT NULL DEFAULT 0;
CREATE INDEX bookings_walk_ins ON bookings (site_id, window_from) WHERE walk_in = 1;
