-- Office admins are warned once before a device certificate expires.
ALTER TABLE device_certificates ADD COLUMN expiry_warned_at timestamptz;
CREATE INDEX device_certificates_expiring ON device_certificates (not_after)
    WHERE revoked_at IS NULL AND expiry_warned_at IS NULL;
