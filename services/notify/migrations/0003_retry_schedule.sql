-- The retry schedule lives here, not in JetStream: an event is acknowledged as soon as its emails
-- are planned and tried once, so emails waiting for their next try hold no place among the
-- consumer's unacknowledged messages (max_ack_pending), and a burst with a failing address cannot
-- stall the others. The event is kept while any of its emails is pending, because each try writes
-- the mail again from it; it holds ids and what a mail says, never a secret (the enrollment code
-- is asked of identity at the moment of sending), and is deleted once its emails are settled.
CREATE TABLE scheduled_events (
    event_id uuid PRIMARY KEY,
    event    jsonb       NOT NULL,
    kept_at  timestamptz NOT NULL
);

-- The scheduler's question: which emails are due.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
