"""Legal pages and retention periods: facts in ``config/legal.json``, wording in ``templates/legal/``.

The insurer edits the JSON (publisher, host, DPO, partners, accessibility status, retention periods) and the
templates without touching code. The file is read once per process; ``LEGAL_CONFIG_PATH`` points elsewhere
(tests, another insurer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "legal.json"


@dataclass(frozen=True)
class LegalPage:
    endpoint: str
    label: str


#: the footer's links, in the insurer's usual order (the accessibility link is labelled with its status)
LEGAL_PAGES = (
    LegalPage("legal.mentions", "Mentions légales"),
    LegalPage("legal.privacy", "Politique de confidentialité"),
    LegalPage("legal.cookies", "Gestion des cookies"),
    LegalPage("legal.terms", "Conditions générales d'utilisation"),
)


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def legal_facts() -> dict[str, Any]:
    return _load(str(current_app.config.get("LEGAL_CONFIG_PATH") or DEFAULT_PATH))


def retention(key: str) -> int:
    """A retention period from the config (days, hours or years, as the key's suffix says)."""
    value = legal_facts()["retention"][key]
    return int(value)
