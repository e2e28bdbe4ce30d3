-- When a user's status last changed: the operation report counts who was active at each month's
-- end. Accounts already suspended or deactivated changed status at their last update at the
-- latest; that is the best date there is for them.
ALTER TABLE users ADD COLUMN status_changed_at timestamptz;
UPDATE users SET status_changed_at = updated_at WHERE status <> 'active';
