-- Van planning as a durable job (issue 16): the coordinator's proposal judged with the fleet
-- takes a minute or more, so it runs in the planning job queue beside the days' plans. A job's
-- kind: 'day' (a day's plan) or 'vans' (van stops); a vans job keeps the request it answers and,
-- when done, the proposal. Its day is the first day the vans work.
ALTER TABLE plan_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'day' CHECK (kind IN ('day', 'vans'));
ALTER TABLE plan_jobs ADD COLUMN request TEXT;
ALTER TABLE plan_jobs ADD COLUMN result TEXT;
