-- Each email has its own state, so one refused address never holds back the others: a refusal
-- (5xx) is recorded and not retried; a passing failure (4xx, the server away) is tried again
-- later, a bounded number of times, then given up ('dead'). The mail itself is never stored: it
-- is written again from its event for each try.
ALTER TABLE deliveries
    ALTER COLUMN sent_at DROP NOT NULL,
    ADD COLUMN user_id uuid,
    ADD COLUMN office_id uuid,
    ADD COLUMN state text NOT NULL DEFAULT 'sent'
        CHECK (state IN ('pending', 'sent', 'failed_permanent', 'dead')),
    ADD COLUMN attempts integer NOT NULL DEFAULT 1,
    -- For a pending email, when it may be tried next; while one is being tried, the end of that
    -- try's lease, so a second replica leaves it alone.
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- A class (unknown_recipient, refused, mailbox_full, temporary, invalid_address), never the
    -- server's words: those quote the address and the mail.
    ADD COLUMN last_error text,
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE deliveries
    ALTER COLUMN state SET DEFAULT 'pending',
    ALTER COLUMN attempts SET DEFAULT 0;

-- The operator's and the office admins' lists of undelivered mail.
CREATE INDEX deliveries_undelivered ON deliveries (updated_at DESC)
    WHERE state IN ('failed_permanent', 'dead');
CREATE INDEX deliveries_undelivered_office ON deliveries (office_id, updated_at DESC)
    WHERE state IN ('failed_permanent', 'dead');
-- Whether an address has been delivered to since it bounced.
CREATE INDEX deliveries_recipient_sent ON deliveries (recipient, sent_at DESC) WHERE state = 'sent';
