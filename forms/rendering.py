"""The HTML of a form: error summary, and each field with its label, hint, error and input — written in Python.

Templates call these as ``field_html.render_field(form.x)`` and ``field_html.error_summary(form)`` (a Jinja
global). A step page used to render its fields through Jinja macros (imported by every page) calling more
macros and WTForms' widgets (one bound sub-field and one ``html_params`` per radio option): about half of a
step page's rendering time. The markup is the same as the macros and WTForms gave — same ids, attributes
and order, so templates, browser tests and assistive technologies see no difference (``tests/forms/
test_rendering.py`` compares it with WTForms' for every kind of field the forms use).

Every value written into the markup is escaped here (``escape``, ``Markup.format``) or is already Markup built
by WTForms or by these functions, hence the ``S704`` exemptions.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.meta import DefaultMeta
from wtforms.widgets import CheckboxInput, DateInput, Input, NumberInput, Select, html_params
from wtforms.widgets.core import clean_key

from forms.base import form_errors

QUOTE, ESCAPED_QUOTE = Markup('"'), Markup("&quot;")
#: fields the step pages do not show (the CSRF token is written by the page itself)
HIDDEN_TYPES = frozenset({"HiddenField", "CSRFTokenField", "SubmitField"})


def error_summary(form: Any) -> Markup:
    """The box above a form listing every error, each linking to its field ("" when there is none)."""
    errors = form_errors(form)
    if not errors:
        return Markup("")
    items = "".join(Markup('<li><a href="#{}">{}</a></li>\n').format(field_id, message) for field_id, message in errors)
    plural = "s" if len(errors) > 1 else ""
    return Markup(  # noqa: S704 - every interpolated value is escaped (module docstring)
        '<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" '
        'id="error-summary">\n'
        f'<h2 id="error-summary-title">Il y a {len(errors)} erreur{plural} à corriger</h2>\n'
        f"<ul>\n{items}</ul>\n</div>\n"
    )


def render_field(field: Field, extra_class: str = "") -> Markup:
    """One field as a step page shows it; a list of entries gives one fieldset per entry."""
    kind = field.type
    if kind == "RadioField":
        return render_radios(field, extra_class)
    if kind == "BooleanField":
        return _checkbox(field, extra_class)
    if kind == "FieldList":
        return Markup("").join(render_subform(entry, index) for index, entry in enumerate(field.entries, 1))
    if kind in HIDDEN_TYPES:
        return Markup("")
    return _input(field, extra_class)


def render_radios(field: Field, extra_class: str = "") -> Markup:
    described = f' aria-describedby="{described_by(field)}"' if field.description or field.errors else ""
    return Markup(  # noqa: S704 - every interpolated value is escaped (module docstring)
        f'<div class="field {_error_class(field)} {escape(extra_class)}" id="{escape(field.id)}">\n'
        f'<fieldset class="radios"{described}>\n'
        f'<legend class="label">{escape(field.label.text)}</legend>\n'
        f"{_hint(field)}{field_errors(field)}{radio_options(field)}\n"
        "</fieldset>\n</div>\n"
    )


def render_subform(entry: Field, index: int) -> Markup:
    fields = "".join(render_field(sub) for sub in entry.form)
    return Markup(  # noqa: S704 - every interpolated value is escaped (module docstring)
        f'<fieldset class="subform">\n<legend>{escape(entry.label.text)} {index}</legend>\n{fields}\n</fieldset>\n'
    )


def field_errors(field: Field) -> Markup:
    return Markup("").join(
        Markup('<p class="field-error" id="{}-error"><span class="visually-hidden">Erreur : </span>{}</p>\n').format(
            field.id, error
        )
        for error in field.errors
        if isinstance(error, str)
    )


def described_by(field: Field) -> Markup:
    """The ids of the field's hint and error, for ``aria-describedby`` ("" when it has neither)."""
    ids = [f"{field.id}-hint"] if field.description else []
    if field.errors:
        ids.append(f"{field.id}-error")
    return escape(" ".join(ids))


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
    return Markup("\n".join(rows))  # noqa: S704 - every interpolated value is escaped (module docstring)


def _checkbox(field: Field, extra_class: str) -> Markup:
    return Markup(  # noqa: S704 - every interpolated value is escaped (module docstring)
        f'<div class="field checkbox {_error_class(field)} {escape(extra_class)}">\n'
        f"{field_errors(field)}"
        f'<div class="checkbox-row">\n{input_tag(field, **_aria(field))}\n{label_tag(field)}\n</div>\n'
        f"{_hint(field)}</div>\n"
    )


def _input(field: Field, extra_class: str) -> Markup:
    return Markup(  # noqa: S704 - every interpolated value is escaped (module docstring)
        f'<div class="field {_error_class(field)} {escape(extra_class)}">\n'
        f"{label_tag(field, class_='label')}\n{_hint(field)}{field_errors(field)}"
        f"{input_tag(field, class_='input', **_aria(field))}\n</div>\n"
    )


def attributes(**values: Any) -> str:
    """WTForms' ``html_params`` (sorted names, ``True`` alone, ``False`` left out, values escaped), without its
    per-attribute ``Markup.format``."""
    parts = []
    for key, value in sorted(values.items()):
        if value is True:
            parts.append(clean_key(key))
        elif value is not False:
            text = escape(value).replace(QUOTE, ESCAPED_QUOTE)
            parts.append(f'{clean_key(key)}="{text}"')
    return " ".join(parts)


def label_tag(field: Field, **values: Any) -> Markup:
    """``field.label(**values)``, written directly."""
    params = attributes(**{"for": field.label.field_id, **values})
    return Markup(f"<label {params}>{escape(field.label.text)}</label>")  # noqa: S704 - escaped above


def input_tag(field: Field, **values: Any) -> Markup:
    """``field(**values)`` for the plain ``<input>`` widgets (text, date, number, e-mail, checkbox…) and
    ``<select>``, written directly with WTForms' rules (id, type, value, the validators' HTML attributes,
    ``render_kw``); any other widget, or a form whose ``Meta`` renders fields its own way, is left to WTForms."""
    widget = field.widget
    if type(field.meta).render_field is not DefaultMeta.render_field:
        return Markup(field(**values))  # noqa: S704 - WTForms' own markup
    if type(widget) is Select and not field.has_groups():
        return _select_tag(field, _widget_params(field, values))
    if type(widget) not in WIDGET_DEFAULTS and type(widget).__call__ is not Input.__call__:
        return Markup(field(**values))  # noqa: S704 - WTForms' own markup
    params = _widget_params(field, values)
    WIDGET_DEFAULTS.get(type(widget), _no_defaults)(field, params)
    params.setdefault("type", widget.input_type)
    if "value" not in params:
        params["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in params:
        params["list"] = datalist if isinstance(datalist, str) else datalist.id
    _add_validation_attributes(field, params)
    if type(widget) is DateInput:
        _format_date_bounds(field, params)
    return Markup(f"<input {attributes(name=field.name, **params)}>")  # noqa: S704 - escaped by attributes()


def _no_defaults(_field: Field, _params: dict[str, Any]) -> None:
    return None


def _number_bounds(field: Field, params: dict[str, Any]) -> None:
    """As ``NumberInput.__call__``: the widget's step and bounds, unless given."""
    for name in ("step", "min", "max"):
        if getattr(field.widget, name) is not None:
            params.setdefault(name, getattr(field.widget, name))


def _checked(field: Field, params: dict[str, Any]) -> None:
    """As ``CheckboxInput.__call__``."""
    if getattr(field, "checked", field.data):
        params.setdefault("checked", True)


def _format_date_bounds(field: Field, params: dict[str, Any]) -> None:
    """As ``DateInput.__call__``: date bounds written in the field's format."""
    date_format = getattr(field, "format", None)
    if date_format is None:
        return
    date_format = date_format[0] if isinstance(date_format, list) else date_format
    for bound in ("min", "max"):
        if hasattr(params.get(bound), "strftime"):
            params[bound] = params[bound].strftime(date_format)


#: the widgets whose own ``__call__`` only adds attributes before ``Input.__call__``, and what they add
WIDGET_DEFAULTS = {NumberInput: _number_bounds, CheckboxInput: _checked, DateInput: _no_defaults}


def _widget_params(field: Field, values: dict[str, Any]) -> dict[str, Any]:
    """What WTForms' ``Meta.render_field`` gives the widget: ``render_kw`` overridden by the call's values."""
    params = {clean_key(k): v for k, v in (getattr(field, "render_kw", None) or {}).items()}
    params.update({clean_key(k): v for k, v in values.items()})
    params.setdefault("id", field.id)
    return params


def _add_validation_attributes(field: Field, params: dict[str, Any]) -> None:
    """The HTML attributes the field's validators call for (``required``, ``maxlength``, ``min``…)."""
    for name, flag in vars(field.flags).items():
        if name in field.widget.validation_attrs and name not in params:
            params[name] = flag() if callable(flag) else flag


def _select_tag(field: Field, params: dict[str, Any]) -> Markup:
    """WTForms' ``Select`` widget (one choice, no option groups), written directly."""
    if field.widget.multiple:
        params["multiple"] = True
    _add_validation_attributes(field, params)
    options = []
    for choice in field.iter_choices():
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        option = {"value": value, **(choice.render_kw or {})}
        if choice.selected:
            option["selected"] = True
        options.append(f"<option {attributes(**option)}>{escape(choice.label or choice.value)}</option>")
    return Markup(f"<select {attributes(name=field.name, **params)}>{''.join(options)}</select>")  # noqa: S704 - escaped


def _aria(field: Field) -> dict[str, Any]:
    # an absent ARIA attribute is passed as False, which WTForms omits (None would be written as "None")
    return {"aria-describedby": described_by(field) or False, "aria-invalid": "true" if field.errors else False}


def _error_class(field: Field) -> str:
    return "has-error" if field.errors else ""


def _hint(field: Field) -> Markup:
    if not field.description:
        return Markup("")
    return Markup('<p class="hint" id="{}-hint">{}</p>\n').format(field.id, field.description)
