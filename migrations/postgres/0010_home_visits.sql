-- Home visits (issue 16): a vehicle may be a home-visit team, which carries its shots for the
-- day (shots_per_day; NULL for a car for rides), and a trip may stop at a bedridden elder's
-- home for a visit.
ALTER TABLE vehicles ADD COLUMN shots_per_day BIGINT
    CHECK (shots_per_day IS NULL OR shots_per_day BETWEEN 1 AND 500);
ALTER TABLE trip_stops DROP CONSTRAINT IF EXISTS trip_stops_kind_check;
ALTER TABLE trip_stops ADD CONSTRAINT trip_stops_kind_check
    CHECK (kind IN ('pickup_home', 'drop_site', 'pickup_site', 'drop_home', 'home_visit'));
