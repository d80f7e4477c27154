"""axe-core (vendored in ``assets/``) run inside the page: no serious or critical violation allowed.

The application's CSP forbids inline scripts, so axe is evaluated through the DevTools protocol
(``page.evaluate``), which the page's CSP does not govern, instead of an injected ``<script>`` tag.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_SOURCE = Path(__file__).parent / "assets" / "axe.min.js"
#: WCAG 2.1 A and AA, plus axe's best practices (landmarks, headings, skip link...)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}


@cache
def axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source() + "\n;undefined")
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violation: dict[str, Any]) -> str:
    targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
    return f"[{violation['impact']}] {violation['id']}: {violation['help']} — {targets}"


def assert_accessible(page: Any) -> None:
    """Fail on serious/critical violations; print minor/moderate ones so they are seen and fixed later."""
    violations = axe_violations(page)
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            print(f"axe ({page.url}): {describe(violation)}")
    blocking = [describe(v) for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"accessibility violations on {page.url}:\n" + "\n".join(blocking)
