ALTER TABLE offices
    ADD COLUMN kana        text NOT NULL DEFAULT '',
    ADD COLUMN code        text,
    ADD COLUMN postal_code text NOT NULL DEFAULT '',
    ADD COLUMN address     text NOT NULL DEFAULT '',
    ADD COLUMN phone       text NOT NULL DEFAULT '',
    ADD COLUMN fax         text,
    ADD COLUMN latitude    double precision,
    ADD COLUMN longitude   double precision,
    ADD COLUMN listed      boolean NOT NULL DEFAULT false,
    ADD COLUMN withdrawn_at timestamptz,
    ADD COLUMN withdrawn_reason text;
-- The public map reads listed, active offices only.
CREATE INDEX offices_on_map ON offices (kind) WHERE listed AND status = 'active';

-- 事業所登録申請: kept after the decision, as the record of who applied and what the city decided.
CREATE TABLE applications (
    id           uuid PRIMARY KEY,
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    name         text        NOT NULL,
    kana         text        NOT NULL,
    kind         text        NOT NULL,
    code         text,
    postal_code  text        NOT NULL,
    address      text        NOT NULL,
    phone        text        NOT NULL,
    fax          text,
    latitude     double precision,
    longitude    double precision,
    listed       boolean     NOT NULL,
    admin_name   text        NOT NULL,
    admin_kana   text        NOT NULL,
    admin_email  text        NOT NULL,
    admin_phone  text        NOT NULL,
    submitted_at timestamptz NOT NULL,
    decided_at   timestamptz,
    decided_by   uuid,
    reason       text,
    office_id    uuid
);
CREATE INDEX applications_pending ON applications (submitted_at) WHERE status = 'pending';
