-- 報告義務 (W10): incidents staff report, tracked by the city.
CREATE TABLE incidents (
    id               uuid PRIMARY KEY,
    office_id        uuid        NOT NULL,
    office_name      text        NOT NULL,
    reporter_user_id uuid        NOT NULL,
    reporter_name    text        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    device           text        NOT NULL,
    what_happened    text        NOT NULL,
    action_taken     text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('受付', '対応中', '完了')),
    filed_at         timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX incidents_office ON incidents (office_id, filed_at DESC);
CREATE INDEX incidents_reporter ON incidents (reporter_user_id, filed_at DESC);

CREATE TABLE incident_notes (
    id          uuid PRIMARY KEY,
    incident_id uuid        NOT NULL REFERENCES incidents (id),
    at          timestamptz NOT NULL,
    by_user_id  uuid        NOT NULL,
    by_name     text        NOT NULL,
    status      text        NOT NULL,
    note        text        NOT NULL
);
CREATE INDEX incident_notes_by_incident ON incident_notes (incident_id, at);
