-- More events of the day (issue 15).
-- When a trip was offered to its driver (first published to them, offered again, or given to
-- another driver): a district may give drivers a time to answer, after which the trip goes to
-- others as if declined.
ALTER TABLE trips ADD COLUMN offered_at INTEGER;
UPDATE trips SET offered_at = updated_at WHERE status = 'offered';
-- Minutes a driver has to answer an offered trip (NULL: no limit).
ALTER TABLE districts ADD COLUMN answer_minutes INTEGER;
-- When the elder's visit at the site ends after all (observation ended early, or runs late),
-- Unix seconds: the ride home leaves from then.
ALTER TABLE bookings ADD COLUMN ready_at INTEGER;
