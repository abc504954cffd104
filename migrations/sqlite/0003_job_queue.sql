-- Planning jobs as a durable queue: any instance claims a queued job with a lease it renews;
-- a job whose lease lapses is queued again (a bounded number of attempts) or failed with a
-- reason; a coordinator may cancel one. SQLite cannot change a CHECK constraint in place, so
-- the table is rebuilt (nothing references it). Jobs left queued or running by the old
-- in-process runner can never finish: they are failed with a reason.
CREATE TABLE plan_jobs_queue (
    id INTEGER PRIMARY KEY,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    day TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    stage TEXT NOT NULL,
    percent INTEGER NOT NULL,
    best TEXT,
    plan_id INTEGER REFERENCES plans(id),
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    seconds INTEGER NOT NULL DEFAULT 20,   -- the search budget asked for
    clustered INTEGER NOT NULL DEFAULT 1,
    attempts INTEGER NOT NULL DEFAULT 0,   -- claims so far
    lease_owner TEXT,                      -- the instance running it
    lease_until INTEGER,                   -- Unix seconds; renewed by the runner's heartbeat
    cancel_requested INTEGER NOT NULL DEFAULT 0
);
INSERT INTO plan_jobs_queue (id, district_id, day, status, stage, percent, best, plan_id, error,
                             created_at, updated_at)
SELECT id, district_id, day,
       CASE WHEN status IN ('queued', 'running') THEN 'failed' ELSE status END,
       stage, percent, best, plan_id,
       CASE WHEN status IN ('queued', 'running') THEN 'interrupted: the server restarted' ELSE error END,
       created_at, updated_at
FROM plan_jobs;
DROP TABLE plan_jobs;
ALTER TABLE plan_jobs_queue RENAME TO plan_jobs;
CREATE INDEX plan_jobs_by_status ON plan_jobs (status, id);
CREATE INDEX plan_jobs_by_day ON plan_jobs (district_id, day, status);
