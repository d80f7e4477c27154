"""``flask security reencrypt``: rewrite every value encrypted at rest with the current key.

Run after a field-encryption key rotation (the old key in ``FIELD_ENCRYPTION_OLD_KEYS``, the new one in
``FIELD_ENCRYPTION_KEY``), and once after upgrading to a version that encrypts documents and email bodies
(rows written before are read in clear until rewritten). Each value is read through its column type (which
decrypts with any configured key, or reads a legacy clear value) and written back (encrypted with the current
key), table by table in batches, each batch in its own transaction: it can be interrupted and run again.
"""

from __future__ import annotations

from collections.abc import Iterator

import click
from flask.cli import with_appcontext
from sqlalchemy import Column, Table, select, update
from sqlalchemy.orm import Session

from wizard.crypto import EncryptedBytes, EncryptedString, EncryptedText
from wizard.db import db_session
from wizard.models import Base
from wizard.models.types import EncryptedJSON

ENCRYPTED_TYPES = (EncryptedBytes, EncryptedString, EncryptedText, EncryptedJSON)
BATCH = 200


def encrypted_columns() -> Iterator[tuple[Table, list[Column[object]]]]:
    """Every table with encrypted columns, and those columns."""
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, ENCRYPTED_TYPES)]
        if columns:
            yield table, columns


def reencrypt_all(session: Session, batch: int = BATCH) -> dict[str, int]:
    """Rows rewritten per table (commits every ``batch`` rows)."""
    done: dict[str, int] = {}
    for table, columns in encrypted_columns():
        (key,) = table.primary_key.columns
        last = None
        count = 0
        while True:
            query = select(key, *columns).order_by(key).limit(batch)
            if last is not None:
                query = query.where(key > last)
            rows = session.execute(query).all()
            if not rows:
                break
            for row in rows:
                values = {column.name: row[index + 1] for index, column in enumerate(columns)}
                session.execute(update(table).where(key == row[0]).values(**values))
            session.commit()
            count += len(rows)
            last = rows[-1][0]
        done[table.name] = count
    return done


@click.group("security", help="Encryption at rest.")
def cli_group() -> None:
    """Security commands."""


@cli_group.command("reencrypt", help="Rewrite every encrypted value with the current FIELD_ENCRYPTION_KEY.")
@with_appcontext
def reencrypt_command() -> None:
    for table, count in reencrypt_all(db_session()).items():
        click.echo(f"{table} : {count} ligne(s) réécrite(s) avec la clé actuelle.")
