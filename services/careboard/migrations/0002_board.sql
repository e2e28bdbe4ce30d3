-- 支援対象者: the recipient's basic info, current values; every change is in recipient_changes.
ALTER TABLE recipients
    ADD COLUMN kana              text NOT NULL DEFAULT '',
    ADD COLUMN birth_date        date,
    ADD COLUMN sex               text NOT NULL DEFAULT '',
    ADD COLUMN address           text NOT NULL DEFAULT '',
    ADD COLUMN phone             text,
    ADD COLUMN insured_number    text,
    ADD COLUMN medical_insurance text NOT NULL DEFAULT '',
    ADD COLUMN care_level        text NOT NULL DEFAULT '',
    ADD COLUMN primary_doctor    text NOT NULL DEFAULT '',
    ADD COLUMN key_notes         text NOT NULL DEFAULT '',
    ADD COLUMN registered_by     uuid,
    ADD COLUMN registered_office uuid,
    ADD COLUMN updated_at        timestamptz,
    ADD COLUMN closed_at         timestamptz,
    ADD COLUMN close_reason      text,
    ADD COLUMN close_note        text,
    ADD COLUMN closed_by         uuid;
-- Duplicate hints match kana (spaces removed) and birth date.
CREATE INDEX recipients_person ON recipients (replace(kana, ' ', ''), birth_date);

-- 登録申込兼同意書（別紙1）, one per recipient, recorded with the registration.
CREATE TABLE consents (
    recipient_id      uuid PRIMARY KEY REFERENCES recipients (id),
    obtained_on       date        NOT NULL,
    obtained_by       text        NOT NULL,
    office_id         uuid        NOT NULL,
    office_name       text        NOT NULL,
    recorded_by       uuid        NOT NULL,
    recorded_by_name  text        NOT NULL,
    recorded_at       timestamptz NOT NULL,
    fax_received_at   timestamptz,
    fax_confirmed_by  uuid
);
CREATE INDEX consents_fax_pending ON consents (recorded_at) WHERE fax_received_at IS NULL;

-- Who a member is, as identity and offices said when they joined (posts keep their own copy).
ALTER TABLE team_members
    ADD COLUMN name        text NOT NULL DEFAULT '',
    ADD COLUMN kana        text NOT NULL DEFAULT '',
    ADD COLUMN profession  text NOT NULL DEFAULT '',
    ADD COLUMN office_name text NOT NULL DEFAULT '',
    ADD COLUMN added_by    uuid;
CREATE UNIQUE INDEX team_one_representative ON team_members (recipient_id)
    WHERE is_representative AND removed_at IS NULL;

-- Users identity reported as suspended or deactivated: they are refused everywhere here and
-- their posts are marked. Active users have no row.
CREATE TABLE inactive_users (
    user_id    uuid PRIMARY KEY,
    status     text        NOT NULL CHECK (status IN ('suspended', 'deactivated')),
    changed_at timestamptz NOT NULL
);

-- 連絡帳. Ids are UUIDv7, so their order is the time order and the timeline's cursor.
CREATE TABLE posts (
    id                uuid PRIMARY KEY,
    recipient_id      uuid        NOT NULL REFERENCES recipients (id),
    author_user_id    uuid        NOT NULL,
    author_name       text        NOT NULL,
    author_profession text        NOT NULL,
    author_office     text        NOT NULL,
    category          text,
    urgent            boolean     NOT NULL,
    body              text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 1000),
    created_at        timestamptz NOT NULL
);
CREATE INDEX posts_timeline ON posts (recipient_id, id DESC);
CREATE INDEX posts_urgent ON posts (recipient_id, id) WHERE urgent;

-- 既読 and 確認しました.
CREATE TABLE post_reads (
    post_id uuid        NOT NULL REFERENCES posts (id),
    user_id uuid        NOT NULL,
    read_at timestamptz NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_reads_user ON post_reads (user_id, post_id);

CREATE TABLE post_acks (
    post_id  uuid        NOT NULL REFERENCES posts (id),
    user_id  uuid        NOT NULL,
    acked_at timestamptz NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

-- Every change of basic info: who, when, and each field before and after.
CREATE TABLE recipient_changes (
    id                uuid PRIMARY KEY,
    recipient_id      uuid        NOT NULL REFERENCES recipients (id),
    changed_by        uuid        NOT NULL,
    changed_by_name   text        NOT NULL,
    changed_by_office text        NOT NULL,
    changed_at        timestamptz NOT NULL,
    changes           jsonb       NOT NULL
);
CREATE INDEX recipient_changes_by_recipient ON recipient_changes (recipient_id, changed_at DESC);
