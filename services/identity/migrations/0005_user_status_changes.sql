-- Every change of a user's status, so the operation report can count who was active at each
-- month's end, a suspension that was later lifted included. Accounts suspended or deactivated
-- before this table existed changed status at their last update at the latest: that is the best
-- date there is for them.
CREATE TABLE user_status_changes (
    user_id uuid        NOT NULL REFERENCES users (id),
    status  text        NOT NULL CHECK (status IN ('active', 'suspended', 'deactivated')),
    at      timestamptz NOT NULL
);
CREATE INDEX user_status_changes_user ON user_status_changes (user_id, at DESC);
INSERT INTO user_status_changes (user_id, status, at)
    SELECT id, status, updated_at FROM users WHERE status <> 'active';
