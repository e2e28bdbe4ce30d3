-- Invitation codes for applying while the city accepts applications by invitation only (the
-- guide's trial period). Only a hash of the code is kept; each is used once.
CREATE TABLE invitations (
    code_hash      bytea PRIMARY KEY,
    note           text        NOT NULL,
    created_by     uuid        NOT NULL,
    created_at     timestamptz NOT NULL,
    used_at        timestamptz,
    application_id uuid
);
