CREATE TABLE offices (
    id                 uuid PRIMARY KEY,
    name               text        NOT NULL,
    kind               text        NOT NULL,
    admin_email        text        NOT NULL,
    status             text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    -- The city's own office: its users are the operators.
    is_operator_office boolean     NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE UNIQUE INDEX offices_one_operator ON offices (is_operator_office) WHERE is_operator_office;
CREATE INDEX offices_created ON offices (created_at DESC, id DESC);
