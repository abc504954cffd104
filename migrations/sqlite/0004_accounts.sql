-- Accounts made by people, not by the demo: a one-time password (made at creation or a reset)
-- must be replaced by the user's own at the next login.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
