"""Contract documents rendered with ReportLab.

Each module is a pure function ``render_<doc>(data, *, specimen=False) -> bytes`` over a frozen dataclass of
plain values, and carries a ``TEMPLATE_VERSION``. The same data always gives the same bytes (ReportLab
``invariant`` mode), so a document's SHA-256 identifies what the member saw. All documents share
:mod:`signing.documents.layout` (brand header, numbered footer, styles, tables in the embedded DejaVu Sans
family, signature area marked by a bookmark; the DocuSign anchor strings are added only to the copy sent to
DocuSign, by :mod:`signing.documents.anchors`).
"""
