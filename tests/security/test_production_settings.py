"""Production refuses guessable secrets and clear-text public links, and the demo data outside development."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from config.settings import SettingsError, TestingConfig
from wizard import create_app
from wizard.crypto import generate_key

GOOD = {
    "ENV_NAME": "production",
    "SECRET_KEY": "Xq7-production-like-secret-key-9fLw2Rz",
    "FIELD_ENCRYPTION_KEY": generate_key(),
    "PUBLIC_BASE_URL": "https://mutuelle.example",
}


@pytest.fixture
def production(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("WIZARD_INSTANCE_PATH", str(tmp_path / "instance"))

    def build(**changes: Any) -> Flask:
        return create_app({**GOOD, "DATABASE_URL": database_url, **changes})

    return build


def test_a_sound_production_configuration_starts(production: Any) -> None:
    assert production().config["ENV_NAME"] == "production"
    assert production(PUBLIC_BASE_URL="http://127.0.0.1:8000").config["PUBLIC_BASE_URL"].startswith("http://")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"SECRET_KEY": "s"}, "SECRET_KEY is too short or too repetitive"),
        ({"SECRET_KEY": "s" * 40}, "SECRET_KEY is too short or too repetitive"),
        ({"SECRET_KEY": TestingConfig.SECRET_KEY}, "SECRET_KEY is a published example or test value"),
        ({"FIELD_ENCRYPTION_KEY": TestingConfig.FIELD_ENCRYPTION_KEY}, "FIELD_ENCRYPTION_KEY is a published"),
        ({"FIELD_ENCRYPTION_KEY": "A" * 44}, "FIELD_ENCRYPTION_KEY must be 32 random bytes"),
        ({"FIELD_ENCRYPTION_KEY": "short"}, "FIELD_ENCRYPTION_KEY is not urlsafe base64"),
        ({"PUBLIC_BASE_URL": "http://mutuelle.example"}, "PUBLIC_BASE_URL must start with https://"),
        ({"PUBLIC_BASE_URL": "mutuelle.example"}, "PUBLIC_BASE_URL must start with https://"),
    ],
)
def test_production_refuses_to_start_and_says_why_in_one_line(
    production: Any, changes: dict[str, str], reason: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        production(**changes)
    message = str(refused.value)
    assert reason in message and "\n" not in message


def test_development_and_tests_keep_their_own_keys(app: Flask) -> None:
    assert app.config["SECRET_KEY"] == TestingConfig.SECRET_KEY  # testing is not production: no refusal


def _invoke(app: Flask, *args: str) -> Result:
    with app.app_context():  # as `flask --app wizard …` runs it
        return app.test_cli_runner().invoke(args=list(args))


def test_demo_data_is_refused_outside_development(production: Any, app: Flask) -> None:
    for instance in (production(), app):
        result = _invoke(instance, "demo", "load")
        assert result.exit_code != 0
        assert "ne se chargent qu'en développement" in result.output
    serve = _invoke(app, "demo", "serve", "--port", "1")
    assert serve.exit_code != 0 and "qu'en développement" in serve.output
    from sqlalchemy import select  # noqa: PLC0415

    from wizard.db import db_session  # noqa: PLC0415
    from wizard.models import User  # noqa: PLC0415

    with app.app_context():
        assert db_session().scalars(select(User)).all() == [], "no demo account was created"
