"""The dashboard tests reuse the entry tests' campaign fixture."""

from tests.entry.conftest import campaign_id

__all__ = ["campaign_id"]
