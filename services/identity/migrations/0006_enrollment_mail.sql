-- The 証明書取得用パスワード waits here to be mailed, sealed with the key-encryption key (AES-256-GCM,
-- bound to the code's id), and nowhere else: the event that asks notify to mail it carries the
-- code's id only. The sealed copy and the address are destroyed once notify has mailed it, the
-- code is used, or it expires. The secret itself is still checked against `secret_hash` only.
ALTER TABLE enrollment_codes
    ADD COLUMN id          uuid,
    ADD COLUMN mail_to     text,
    ADD COLUMN mail_nonce  bytea,
    ADD COLUMN mail_sealed bytea,
    ADD COLUMN mailed_at   timestamptz;
UPDATE enrollment_codes SET id = gen_random_uuid() WHERE id IS NULL;
ALTER TABLE enrollment_codes ALTER COLUMN id SET NOT NULL;
CREATE UNIQUE INDEX enrollment_codes_id ON enrollment_codes (id);
CREATE INDEX enrollment_codes_unmailed ON enrollment_codes (expires_at) WHERE mail_sealed IS NOT NULL;

-- Events of the earlier format carried the secret itself: those already relayed go now, and a
-- pending one loses its secret (notify refuses it for want of an id; the city issues a new code).
DELETE FROM outbox WHERE subject = 'identity.enrollment_code.issued' AND published_at IS NOT NULL;
UPDATE outbox SET payload = payload #- '{data,secret}' WHERE subject = 'identity.enrollment_code.issued';
