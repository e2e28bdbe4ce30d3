-- One row per email this service has sent, keyed by the event that caused it.
CREATE TABLE deliveries (
    event_id   uuid        NOT NULL,
    template   text        NOT NULL,
    recipient  text        NOT NULL,
    message_id text        NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (event_id, recipient)
);
CREATE INDEX deliveries_sent ON deliveries (sent_at DESC);
