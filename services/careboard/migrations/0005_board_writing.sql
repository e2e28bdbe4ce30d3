-- Replies (one level), corrections and withdrawals with their history, and the word index.

-- A reply is a post under another (never under a reply): it is read, marked and found like one.
-- A correction changes the current text; what it replaced is in post_revisions.
-- grams: the text's characters and character pairs (computed by careboard, see domain::search),
-- so that a two-character word such as 発熱 is found through the GIN index; NULL until computed.
ALTER TABLE posts
    ADD COLUMN parent_id    uuid REFERENCES posts (id),
    ADD COLUMN edited_at    timestamptz,
    ADD COLUMN withdrawn_at timestamptz,
    ADD COLUMN grams        text[];
CREATE INDEX posts_replies ON posts (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX posts_threads ON posts (recipient_id, id DESC) WHERE parent_id IS NULL;
CREATE INDEX posts_grams ON posts USING gin (grams);
CREATE INDEX posts_grams_pending ON posts (id) WHERE grams IS NULL;

-- Every earlier text of a post, written when it was corrected or withdrawn; never updated.
CREATE TABLE post_revisions (
    id         uuid PRIMARY KEY,
    post_id    uuid        NOT NULL REFERENCES posts (id),
    kind       text        NOT NULL CHECK (kind IN ('edited', 'withdrawn')),
    body       text        NOT NULL,
    category   text,
    changed_by uuid        NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX post_revisions_by_post ON post_revisions (post_id, changed_at);
