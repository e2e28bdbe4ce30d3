ALTER TABLE users
    ADD COLUMN kana          text NOT NULL DEFAULT '',
    ADD COLUMN profession    text NOT NULL DEFAULT '',
    ADD COLUMN email         text NOT NULL DEFAULT '',
    ADD COLUMN status_reason text NOT NULL DEFAULT '',
    DROP COLUMN failed_logins,
    DROP COLUMN locked_until;

-- Lockout is kept per login ID as typed, existing or not, so it tells nobody which IDs exist.
CREATE TABLE login_locks (
    login_id     text PRIMARY KEY,
    failures     integer     NOT NULL,
    locked_until timestamptz
);

-- Failed logins per device, for rate limiting a certificate that guesses many IDs.
CREATE TABLE login_failures (
    cert_serial text        NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX login_failures_cert ON login_failures (cert_serial, at DESC);

-- 証明書取得用No/パスワード. Only a hash of the secret is kept.
CREATE TABLE enrollment_codes (
    number      text PRIMARY KEY,
    secret_hash bytea       NOT NULL,
    office_id   uuid        NOT NULL,
    office_name text        NOT NULL,
    issued_by   uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    failures    integer     NOT NULL DEFAULT 0,
    used_at     timestamptz,
    used_serial text
);
CREATE INDEX enrollment_codes_office ON enrollment_codes (office_id, created_at DESC);

CREATE TABLE enrollment_attempts (
    source text        NOT NULL,
    at     timestamptz NOT NULL
);
CREATE INDEX enrollment_attempts_source ON enrollment_attempts (source, at DESC);

-- An office admin's request for another device certificate (追加発行).
CREATE TABLE certificate_requests (
    id           uuid PRIMARY KEY,
    office_id    uuid        NOT NULL,
    office_name  text        NOT NULL,
    requested_by uuid        NOT NULL,
    note         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    done_at      timestamptz
);
CREATE INDEX certificate_requests_open ON certificate_requests (created_at) WHERE done_at IS NULL;

ALTER TABLE device_certificates ADD COLUMN office_name text NOT NULL DEFAULT '';
CREATE INDEX device_certificates_revoked ON device_certificates (serial) WHERE revoked_at IS NOT NULL;

-- The audit trail of the whole system. Append-only: each row's hash covers the previous row's
-- hash, so altering or deleting a row breaks the chain from there on.
CREATE TABLE audit_log (
    seq             bigint PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    at              timestamptz NOT NULL,
    source          text        NOT NULL,
    action          text        NOT NULL,
    actor_user_id   uuid,
    actor_office_id uuid,
    cert_serial     text,
    target_type     text,
    target_id       text,
    outcome         text        NOT NULL,
    details         jsonb       NOT NULL,
    prev_hash       bytea       NOT NULL,
    hash            bytea       NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, seq DESC);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, seq DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
