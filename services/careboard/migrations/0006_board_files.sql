-- Photos and documents on the board. Their bytes live in object storage under keys made of the
-- file's id alone (nothing personal in a key); this row ties them to a board, an uploader and,
-- once attached, a post. The row is written before any object, so no object exists without a
-- row that the sweeper can find.
CREATE TABLE board_files (
    id           uuid        PRIMARY KEY,
    recipient_id uuid        NOT NULL REFERENCES recipients (id),
    uploaded_by  uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('image', 'pdf')),
    mime         text        NOT NULL,
    -- The name on the uploader's device: shown beside a document, never in a key or an email.
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    -- Of the stored original, and of every version stored (the operator's report).
    bytes        bigint      NOT NULL,
    stored_bytes bigint      NOT NULL,
    width        integer     NOT NULL DEFAULT 0,
    height       integer     NOT NULL DEFAULT 0,
    -- uploading: objects being written; pending: written, waiting for its post; attached.
    state        text        NOT NULL CHECK (state IN ('uploading', 'pending', 'attached')),
    post_id      uuid        REFERENCES posts (id),
    position     smallint,
    created_at   timestamptz NOT NULL,
    CHECK ((state = 'attached') = (post_id IS NOT NULL))
);
CREATE INDEX board_files_unattached ON board_files (created_at) WHERE post_id IS NULL;
CREATE INDEX board_files_month ON board_files (created_at) WHERE post_id IS NOT NULL;

-- What a post shows of its files, written with the attachment in the post's transaction, so a
-- timeline page reads its posts' files without another statement.
ALTER TABLE posts ADD COLUMN files jsonb NOT NULL DEFAULT '[]';
