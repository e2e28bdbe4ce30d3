CREATE TABLE recipients (
    id           uuid PRIMARY KEY,
    display_name text        NOT NULL,
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_at   timestamptz NOT NULL
);

CREATE TABLE team_members (
    recipient_id uuid        NOT NULL REFERENCES recipients (id),
    user_id      uuid        NOT NULL,
    office_id    uuid        NOT NULL,
    is_representative boolean NOT NULL DEFAULT false,
    added_at     timestamptz NOT NULL,
    removed_at   timestamptz,
    PRIMARY KEY (recipient_id, user_id)
);
-- The home page asks "which boards is this user currently on".
CREATE INDEX team_members_current ON team_members (user_id) WHERE removed_at IS NULL;
