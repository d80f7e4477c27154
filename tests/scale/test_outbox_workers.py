"""Two ``flask outbox run --once`` workers drain one outbox concurrently: every email exactly once."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from tests.scale.nodes import ROOT, production_env
from tests.scale.smtp_sink import SmtpSink
from wizard.db import db_session
from wizard.models import OutboxMessage, OutboxStatus

MESSAGES = 120


def _queue(app: Flask, count: int) -> None:
    with app.app_context():
        session = db_session()
        messages = (
            OutboxMessage(to_address=f"agent{n}@example.fr", subject=f"Message {n}", text_body=f"Bonjour {n}",
                          html_body=f"<p>Bonjour {n}</p>", kind="test")
            for n in range(count)
        )  # fmt: skip
        session.add_all(messages)
        session.commit()


def test_two_workers_never_send_an_email_twice(app: Flask, database_url: str, tmp_path: Path) -> None:
    _queue(app, MESSAGES)
    with SmtpSink(delay=0.02) as sink:
        env = production_env(database_url, tmp_path / "instance",
                             WIZARD_SMTP_HOST="127.0.0.1", WIZARD_SMTP_PORT=str(sink.port))  # fmt: skip
        command = [sys.executable, "-m", "flask", "--app", "wizard", "outbox", "run", "--once"]
        workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                   for _ in range(2)]  # fmt: skip
        outputs = [w.communicate(timeout=240)[0].decode() for w in workers]
        assert [w.returncode for w in workers] == [0, 0], outputs
        delivered = Counter(str(m["To"]) for m in sink.messages)
    assert len(delivered) == MESSAGES, f"{len(delivered)} distinct recipients for {MESSAGES} messages"
    assert max(delivered.values()) == 1, [to for to, n in delivered.items() if n > 1]
    assert all("E-mails envoyés" in out for out in outputs), "both workers took part: " + " | ".join(outputs)
    with app.app_context():
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        statuses = dict(db_session().execute(query).all())
    assert statuses == {OutboxStatus.SENT: MESSAGES}
