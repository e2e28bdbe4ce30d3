CREATE TABLE users (
    id                   uuid PRIMARY KEY,
    login_id             text        NOT NULL UNIQUE,
    name                 text        NOT NULL,
    office_id            uuid        NOT NULL,
    role                 text        NOT NULL CHECK (role IN ('staff', 'office_admin', 'operator')),
    password_hash        text        NOT NULL,
    must_change_password boolean     NOT NULL DEFAULT true,
    status               text        NOT NULL DEFAULT 'active'
                                     CHECK (status IN ('active', 'suspended', 'deactivated')),
    failed_logins        integer     NOT NULL DEFAULT 0,
    locked_until         timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX users_office ON users (office_id);

-- Only a hash of the session token is kept, so a copy of this table opens no session.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id),
    cert_serial  text        NOT NULL,
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The device CA. Its private key is sealed with the key-encryption key from the environment.
CREATE TABLE device_ca (
    id         smallint PRIMARY KEY CHECK (id = 1),
    cert_pem   text        NOT NULL,
    key_nonce  bytea       NOT NULL,
    key_sealed bytea       NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE device_certificates (
    serial             text PRIMARY KEY,
    office_id          uuid        NOT NULL,
    label              text        NOT NULL,
    fingerprint_sha256 text        NOT NULL UNIQUE,
    not_before         timestamptz NOT NULL,
    not_after          timestamptz NOT NULL,
    issued_at          timestamptz NOT NULL,
    last_used_at       timestamptz,
    revoked_at         timestamptz,
    revoked_reason     text
);
CREATE INDEX device_certificates_office ON device_certificates (office_id);
