-- Planning jobs as a durable queue: any instance claims a queued job with a lease it renews;
-- a job whose lease lapses is queued again (a bounded number of attempts) or failed with a
-- reason; a coordinator may cancel one. Jobs left queued or running by the old in-process
-- runner can never finish: they are failed with a reason.
ALTER TABLE plan_jobs DROP CONSTRAINT IF EXISTS plan_jobs_status_check;
ALTER TABLE plan_jobs ADD CONSTRAINT plan_jobs_status_check
    CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled'));
ALTER TABLE plan_jobs ADD COLUMN seconds BIGINT NOT NULL DEFAULT 20;
ALTER TABLE plan_jobs ADD COLUMN clustered BIGINT NOT NULL DEFAULT 1;
ALTER TABLE plan_jobs ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plan_jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE plan_jobs ADD COLUMN lease_until BIGINT;
ALTER TABLE plan_jobs ADD COLUMN cancel_requested BIGINT NOT NULL DEFAULT 0;
UPDATE plan_jobs SET status = 'failed', error = 'interrupted: the server restarted'
    WHERE status IN ('queued', 'running');
CREATE INDEX plan_jobs_by_status ON plan_jobs (status, id);
CREATE INDEX plan_jobs_by_day ON plan_jobs (district_id, day, status);
