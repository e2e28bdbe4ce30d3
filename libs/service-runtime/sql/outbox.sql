-- Applied as a migration of every service (service_runtime::db::migrate): never edit what is
-- here, add a new shared migration instead, or every database refuses to start on its checksum.

-- Events waiting to be relayed to JetStream, written in the same transaction as the change.
CREATE TABLE IF NOT EXISTS outbox (
    id           uuid PRIMARY KEY,
    subject      text        NOT NULL,
    payload      jsonb       NOT NULL,
    traceparent  text,
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (created_at, id) WHERE published_at IS NULL;
-- What the pruner deletes (`common::prune`).
CREATE INDEX IF NOT EXISTS outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Events this service has already handled, so a redelivery past JetStream's window is a no-op.
CREATE TABLE IF NOT EXISTS processed_events (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_events_at ON processed_events (processed_at);
