-- The audit viewer also filters by office, by target id alone (a recipient's id, whatever the
-- record's target type), and by date.
CREATE INDEX audit_log_office ON audit_log (actor_office_id, seq DESC);
CREATE INDEX audit_log_target_id ON audit_log (target_id, seq DESC);
CREATE INDEX audit_log_at ON audit_log (at);
