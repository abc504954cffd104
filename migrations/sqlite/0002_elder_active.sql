-- An elder taken off the roster (moved away, died, no longer needs rides) keeps their history
-- but is no longer listed or bookable.
ALTER TABLE elders ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
