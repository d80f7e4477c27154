"""Fast HTML for the widgets every step page repeats.

WTForms renders a radio group by binding one sub-field per option and passing each through ``html_params``:
on a step page with four radio groups that was a third of the page's rendering time. The options are written
here directly, with the markup WTForms gives (same ids ``<field id>-<index>``, same attributes, same order),
so templates, browser tests and assistive technologies see no difference.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.widgets import html_params


def radio_options(field: Field) -> Markup:
    """Every option of a radio field: ``<div class="radio-row"><input …> <label …>…</label></div>``."""
    field_id, name = escape(field.id), escape(field.name)
    common = getattr(field, "render_kw", None) or {}
    required = "required " if getattr(field.flags, "required", False) else ""
    rows = []
    for index, choice in enumerate(field.iter_choices()):
        option_id = f"{field_id}-{index}"
        extra = {**common, **(choice.render_kw or {})}
        if extra:  # rare: let WTForms order the extra attributes exactly as it would
            flags = {"required": True} if required else {}
            attributes = html_params(
                checked=choice.selected, id=option_id, name=field.name, type="radio", value=choice.value,
                **flags, **extra,
            )  # fmt: skip
            tag = f"<input {attributes}>"
        else:
            checked = "checked " if choice.selected else ""
            value = escape(choice.value)
            tag = f'<input {checked}id="{option_id}" name="{name}" {required}type="radio" value="{value}">'
        rows.append(f'<div class="radio-row">{tag} <label for="{option_id}">{escape(choice.label)}</label></div>')
    return Markup("\n".join(rows))

