-- The audit viewer filters by actor, office and target, newest first.
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, seq DESC);
CREATE INDEX audit_log_office ON audit_log (actor_office_id, seq DESC);
CREATE INDEX audit_log_target ON audit_log (target_id, seq DESC);
CREATE INDEX audit_log_at ON audit_log (at);
