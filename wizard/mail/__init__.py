"""Emails: queued as outbox rows in the caller's transaction, sent by a worker; the demo inbox."""
