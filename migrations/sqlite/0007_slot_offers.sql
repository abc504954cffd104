-- Same-day bookings into a day under way (issue 15).
-- A drop at a site keeps the slot whose place it takes (its start, seconds of the day): a drop
-- that a later repair makes run late still counts in the slot it was given, not in the one its
-- new time falls in.
ALTER TABLE trip_stops ADD COLUMN slot INTEGER;
-- The published plan a draft was made from: publishing a draft made before another plan was
-- published would undo that plan's changes, so it is refused.
ALTER TABLE plans ADD COLUMN based_on INTEGER REFERENCES plans(id);
-- An event whose plan was made and published at once (a booking into a slot it was offered).
ALTER TABLE day_events ADD COLUMN plan_id INTEGER REFERENCES plans(id);
