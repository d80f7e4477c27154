"""Notice d'information: the contract explained in plain French, its text kept as data in config/notice.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from reportlab.platypus import Flowable

from config.catalogue import CATALOGUE_PATH, Brand
from config.formats import long_date
from signing.documents.layout import (
    DocumentInfo,
    default_brand,
    heading,
    key_values,
    para,
    render_document,
    styles,
    title,
)

TEMPLATE_VERSION = "2026.1"
TITLE = "Notice d'information"
NOTICE_PATH = CATALOGUE_PATH.with_name("notice.json")


@dataclass(frozen=True)
class NoticeSection:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class NoticeText:
    version: str
    #: may contain ``{brand}`` and ``{contract}``, replaced at render time
    intro: str
    sections: tuple[NoticeSection, ...]


def load_notice_text(path: Path | None = None) -> NoticeText:
    """Read and type a notice text file (config/notice.json unless ``path`` is given)."""
    raw = json.loads((path or NOTICE_PATH).read_text(encoding="utf-8"))
    sections = tuple(NoticeSection(s["title"], tuple(s["paragraphs"])) for s in raw["sections"])
    return NoticeText(version=raw["version"], intro=raw["intro"], sections=sections)


@lru_cache(maxsize=1)
def default_notice_text() -> NoticeText:
    return load_notice_text()


@dataclass(frozen=True)
class NoticeData:
    contract_name: str
    text: NoticeText = field(default_factory=default_notice_text)
    #: shown when known; the generic notice (before any journey) has none
    effective_date: date | None = None
    brand: Brand = field(default_factory=default_brand)


def _fill(template: str, data: NoticeData) -> str:
    return template.replace("{brand}", data.brand.name).replace("{contract}", data.contract_name)


def _contact(brand: Brand) -> list[Flowable]:
    return [
        heading("Nous contacter"),
        key_values(
            [
                ("Téléphone", f"{brand.phone} ({brand.phone_hours})"),
                ("Courriel", brand.email),
                ("Courrier", f"{brand.name}, {brand.postal_address}"),
            ]
        ),
    ]


def _story(data: NoticeData) -> list[Flowable]:
    story: list[Flowable] = [
        title(TITLE),
        para(data.contract_name, styles().heading),
        para(_fill(data.text.intro, data)),
    ]
    if data.effective_date is not None:
        story.append(para(f"Date d'effet de votre adhésion : {long_date(data.effective_date)}."))
    for section in data.text.sections:
        story.append(heading(section.title))
        story += [para(_fill(text, data)) for text in section.paragraphs]
    return story + _contact(data.brand)


def render_notice(data: NoticeData, *, specimen: bool = False) -> bytes:
    """The notice's PDF. Every member of a contract gets the same one (for a given effective date): rendering is
    deterministic, so each distinct ``data`` is rendered once per process and its bytes reused (immutable)."""
    return _rendered_notice(data, specimen)


@lru_cache(maxsize=16)
def _rendered_notice(data: NoticeData, specimen: bool) -> bytes:
    info = DocumentInfo(title=TITLE, kind="notice", template_version=f"{TEMPLATE_VERSION}/{data.text.version}")
    return render_document(info, _story(data), brand=data.brand, specimen=specimen)
