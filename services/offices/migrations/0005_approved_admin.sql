-- The ユーザーID the operator chose for an approved office's first admin: identity reads it (with
-- the applicant's name and address) when it opens that account from offices.application.approved.
ALTER TABLE applications ADD COLUMN admin_login_id text;
