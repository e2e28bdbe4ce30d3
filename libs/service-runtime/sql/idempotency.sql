-- Applied as a migration of every service (service_runtime::db::migrate): never edit what is
-- here, add a new shared migration instead, or every database refuses to start on its checksum.

-- Idempotency keys this service has honoured: a repeat of (key, method) by the same actor for
-- the same operation gets `answer` back instead of running again. Written in the transaction of
-- the write it guards, so the key and the change are kept or lost together. Pruned after 24 h.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key        text        NOT NULL,
    method     text        NOT NULL,
    actor      uuid,
    operation  text        NOT NULL,
    answer     bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, method)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_age ON idempotency_keys (created_at);

-- The use case's own transaction leaves this mark when it runs under a key (identity and
-- offices commit their work apart from the claim above). A retry that finds the mark but no
-- claim knows the first call's work committed and its answer was lost in between: it is told
-- the call was made, and nothing runs twice.
CREATE TABLE IF NOT EXISTS idempotency_done (
    key        text        NOT NULL,
    method     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, method)
);
CREATE INDEX IF NOT EXISTS idempotency_done_age ON idempotency_done (created_at);
