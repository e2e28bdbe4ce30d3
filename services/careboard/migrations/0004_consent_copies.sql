-- What the registrar confirmed on 別紙1: the office keeps the copy, the recipient the original.
-- Registration has always required both, so every consent recorded before these columns had them.
ALTER TABLE consents
    ADD COLUMN office_keeps_copy        boolean NOT NULL DEFAULT true,
    ADD COLUMN recipient_keeps_original boolean NOT NULL DEFAULT true;
ALTER TABLE consents
    ALTER COLUMN office_keeps_copy DROP DEFAULT,
    ALTER COLUMN recipient_keeps_original DROP DEFAULT;
