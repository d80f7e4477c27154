"""``flask sepa import-returns``: real pain.002 and camt.054 files (valid against the ISO 20022 XSDs) mark
the collections; AC04/AC06/MD01 ask the member for a new RIB; anything odd changes nothing and says why."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import login, text_of
from tests.sepa.conftest import MONTHLY_FAMILY, camt054, emails, lines_of, pain002, sign_subscription
from wizard.db import db_session
from wizard.models import CollectionStatus, SepaFile, SepaMandate
from wizard.sepa.export import export_campaign


def _exported(app: Flask, make_user: Any, tmp_path: Path) -> tuple[int, str, str]:
    """A mandate whose January debit went out; returns (mandate id, EndToEndId, export message id)."""
    mandate_id = sign_subscription(
        app, make_user("helene@example.fr", first_name="Hélène"), signed_on=date(2026, 12, 4),
        campaign_effective=date(2027, 1, 1),
    )  # fmt: skip
    with app.app_context():
        result = export_campaign(db_session(), None, date(2027, 1, 5), tmp_path / "janvier.xml")
        assert result.file is not None
        message_id = result.file.message_id
    line = lines_of(app, mandate_id)[0]
    assert line.end_to_end_id is not None
    return mandate_id, line.end_to_end_id, message_id


def _import(app: Flask, tmp_path: Path, content: bytes, name: str = "retours.xml") -> Any:
    path = tmp_path / name
    path.write_bytes(content)
    return app.test_cli_runner().invoke(args=["sepa", "import-returns", str(path)])


def _state(app: Flask, mandate_id: int) -> tuple[list[tuple[CollectionStatus, str | None]], str | None, int]:
    with app.app_context():
        session = db_session()
        mandate = session.get(SepaMandate, mandate_id)
        assert mandate is not None
        imports = session.query(SepaFile).filter_by(direction="import").count()
        lines = [(line.status, line.reason_code) for line in lines_of(app, mandate_id)[:2]]
        return lines, mandate.rib_problem_code, imports


def test_pain002_ac04_reject_marks_the_collection_and_asks_for_a_new_rib(
    app: Flask, client: FlaskClient, make_user: Any, tmp_path: Path
) -> None:
    mandate_id, e2e, message_id = _exported(app, make_user, tmp_path)
    result = _import(app, tmp_path, pain002(message_id, [(e2e, "AC04")]))
    assert result.exit_code == 0, result.output
    assert "1 rejet(s) enregistré(s) (pain.002.001.03, message REJ-0001) ; 1 membre(s) invité(s)" in result.output
    lines, problem, imports = _state(app, mandate_id)
    assert lines[0] == (CollectionStatus.REJECTED, "AC04") and problem == "AC04" and imports == 1
    assert lines[1] == (CollectionStatus.SCHEDULED, None)

    [email] = emails(app, "sepa_rib_problem")
    assert email.subject == "Prélèvement refusé : mettez à jour votre RIB"
    assert "Votre banque a refusé le prélèvement de 46,00 € du 05/01/2027" in email.text_body
    assert "le compte est clôturé (code AC04)" in email.text_body
    assert "http://127.0.0.1:5000/mon-contrat/rib" in email.text_body

    login(client, "helene@example.fr")
    dashboard = text_of(client.get("/mes-demarches"))
    assert "Votre banque a refusé un prélèvement du 5 janvier 2027 : le compte est clôturé." in dashboard
    assert "mettez à jour vos coordonnées bancaires" in dashboard and 'href="/mon-contrat/rib"' in dashboard


def test_camt054_returns_and_insufficient_funds_do_not_ask_for_a_rib(
    app: Flask, make_user: Any, tmp_path: Path
) -> None:
    mandate_id, e2e, _ = _exported(app, make_user, tmp_path)
    result = _import(app, tmp_path, camt054([(e2e, "AM04", MONTHLY_FAMILY)]))
    assert result.exit_code == 0, result.output
    assert "1 retour(s) enregistré(s) (camt.054.001.02, message RET-0001) ; 0 membre(s)" in result.output
    lines, problem, _ = _state(app, mandate_id)
    assert lines[0] == (CollectionStatus.RETURNED, "AM04") and problem is None
    assert emails(app, "sepa_rib_problem") == []


def test_camt054_md01_return_asks_for_a_new_rib(app: Flask, make_user: Any, tmp_path: Path) -> None:
    mandate_id, e2e, _ = _exported(app, make_user, tmp_path)
    assert _import(app, tmp_path, camt054([(e2e, "MD01", MONTHLY_FAMILY)])).exit_code == 0
    assert _state(app, mandate_id)[1] == "MD01"
    assert "votre banque ne connaît pas de mandat pour ce prélèvement" in emails(app, "sepa_rib_problem")[0].text_body


def test_duplicate_import_changes_nothing(app: Flask, make_user: Any, tmp_path: Path) -> None:
    mandate_id, e2e, message_id = _exported(app, make_user, tmp_path)
    content = pain002(message_id, [(e2e, "AC06")])
    assert _import(app, tmp_path, content).exit_code == 0
    before = _state(app, mandate_id)
    again = _import(app, tmp_path, content, "copie.xml")
    assert again.exit_code == 1 and "Fichier déjà importé le" in again.output and "rien n'a été modifié" in again.output
    same_message = _import(app, tmp_path, content.replace(b"<CreDtTm>2027-01-06", b"<CreDtTm>2027-01-07"), "b.xml")
    assert same_message.exit_code == 1 and "Fichier déjà importé" in same_message.output
    assert _state(app, mandate_id) == before and len(emails(app, "sepa_rib_problem")) == 1


def test_unknown_end_to_end_id_changes_nothing(app: Flask, make_user: Any, tmp_path: Path) -> None:
    mandate_id, e2e, message_id = _exported(app, make_user, tmp_path)
    result = _import(app, tmp_path, pain002(message_id, [(e2e, "AC04"), ("CTS9999999999-20270105", "AC04")]))
    assert result.exit_code == 1
    assert (
        "EndToEndId inconnu(s) : CTS9999999999-20270105" in result.output and "Rien n'a été modifié." in result.output
    )
    assert _state(app, mandate_id) == ([(CollectionStatus.EXPORTED, None), (CollectionStatus.SCHEDULED, None)], None, 0)


def test_files_of_another_format_or_unreadable_change_nothing(app: Flask, make_user: Any, tmp_path: Path) -> None:
    mandate_id, e2e, _ = _exported(app, make_user, tmp_path)
    our_export = (tmp_path / "janvier.xml").read_bytes()
    other = _import(app, tmp_path, our_export, "pain008.xml")
    assert other.exit_code == 1 and "Format non pris en charge : pain.008.001.02." in other.output
    assert "pain.002.001.03 (rejets (pain.002))" in other.output
    garbage = _import(app, tmp_path, b"%PDF-1.7 not a bank file", "releve.pdf")
    assert garbage.exit_code == 1 and "Fichier illisible : ce n'est pas un fichier XML valide" in garbage.output
    invalid = camt054([(e2e, "AC04", MONTHLY_FAMILY)]).replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>X</CdtDbtInd>"
    )
    bad_schema = _import(app, tmp_path, invalid, "invalide.xml")
    assert bad_schema.exit_code == 1 and "Fichier non conforme au schéma ISO 20022 camt.054.001.02" in bad_schema.output
    entity = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    assert _import(app, tmp_path, entity, "xxe.xml").exit_code == 1
    assert _state(app, mandate_id) == ([(CollectionStatus.EXPORTED, None), (CollectionStatus.SCHEDULED, None)], None, 0)


def test_whole_message_rejected_marks_every_collection_of_the_file(app: Flask, make_user: Any, tmp_path: Path) -> None:
    mandate_id, _, message_id = _exported(app, make_user, tmp_path)
    content = pain002(message_id, []).replace(
        b"<GrpSts>PART</GrpSts>", b"<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>FF01</Cd></Rsn></StsRsnInf>"
    )
    content = content.replace(b"<OrgnlPmtInfAndSts><OrgnlPmtInfId>PMT-1</OrgnlPmtInfId></OrgnlPmtInfAndSts>", b"")
    result = _import(app, tmp_path, content)
    assert result.exit_code == 0, result.output
    assert _state(app, mandate_id)[0][0] == (CollectionStatus.REJECTED, "FF01")
