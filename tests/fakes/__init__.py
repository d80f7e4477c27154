"""Loopback fakes of external services, so the real client libraries run end to end in tests."""
