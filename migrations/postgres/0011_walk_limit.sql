-- How far walkers are sent to a van stop, metres along the roads (issue 16): the limit the
-- coordinator's van planning used for it; NULL: the default of 500 m.
ALTER TABLE sites ADD COLUMN walk_m BIGINT CHECK (walk_m IS NULL OR walk_m BETWEEN 50 AND 2000);
