-- 連携事業所: people of `office_id` may also sign in on the devices of `partner_office_id`. Set by
-- the city on the office's page; without a row people sign in only on their own office's devices.
CREATE TABLE office_partners (
    office_id         uuid        NOT NULL,
    partner_office_id uuid        NOT NULL CHECK (partner_office_id <> office_id),
    set_by            uuid        NOT NULL,
    set_at            timestamptz NOT NULL,
    PRIMARY KEY (office_id, partner_office_id)
);
