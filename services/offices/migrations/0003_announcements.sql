-- お知らせ on the portal, written by the city.
CREATE TABLE announcements (
    id           uuid PRIMARY KEY,
    title        text        NOT NULL,
    body         text        NOT NULL,
    published_at timestamptz,
    created_by   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX announcements_published ON announcements (published_at DESC) WHERE published_at IS NOT NULL;
