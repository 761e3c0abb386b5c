"""FSE+ data forms, the report page, its exports read back and cross-checked, permissions and
audit."""

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.clock import paris_today
from app.domain.dates import add_months
from app.domain.fse import OUTPUT_INDICATORS, RESULT_INDICATORS, SENSITIVE_ITEMS
from app.extensions import db
from app.models import AuditEvent, EligibilityCriterion
from app.models.fse import ExitFollowUp, ParticipantFseData
from app.reports.exports import COLUMNS, HEADERS, INDICATOR_HEADERS
from app.reports.xlsx import stream_workbook
from tests import factories
from tests.helpers import sign_in

D = date
TODAY = paris_today()
YEAR = "annee=2025"
ANSWERS_NO = dict.fromkeys(SENSITIVE_ITEMS, "no")


def criteria(*codes):
    """Eligibility criteria by code (seeded by the migrations)."""
    return list(db.session.scalars(sa.select(EligibilityCriterion)
                                   .where(EligibilityCriterion.code.in_(codes))))


def pathway(participant, entry, exit_=None, category="", **extra):
    """A pathway entered (and maybe exited) on the given days."""
    made = factories.PathwayFactory(
        participant=participant, orientation_date=entry - timedelta(days=30),
        decision_date=entry - timedelta(days=10), contract_signed_on=entry, entry_date=entry,
        exit_date=exit_, exit_category=category, **extra)
    return made


def answers(participant, **values):
    """Store the participant's sensitive answers."""
    db.session.add(ParticipantFseData(participant_id=participant.id,
                                      **{**ANSWERS_NO, **values}))
    db.session.commit()


def follow_up(path, **values):
    """Store an exit follow-up."""
    db.session.add(ExitFollowUp(pathway_id=path.id, **values))
    db.session.commit()


@pytest.fixture
def dataset(referent, other_referent):
    """Seven participants of 2025 with awkward names, across two référents."""
    people = {}
    # Entrant, left on a CDI: semicolons, quotes and accents in her names.
    zoe = factories.ParticipantFactory(
        referent=referent, first_name="Zoé", last_name='Dupré; "la Grande"', sex="F",
        birth_date=D(1990, 5, 4), labour_status="unemployed", unemployed_since=D(2023, 1, 1),
        education_level="niveau3", criteria=criteria("RSA"))
    answers(zoe, third_country_national="yes")
    left = pathway(zoe, D(2025, 3, 1), D(2025, 9, 30), "emploi_durable")
    follow_up(left, exit_situation="employed", exit_contract_type="CDI",
              qualification_gained=False, exit_situation_on=D(2025, 10, 10))
    people["zoe"] = zoe
    # Entrant aged 17, inactive, no sensitive answer yet.
    people["eve"] = factories.ParticipantFactory(
        referent=referent, first_name="Ève-Marie", last_name="L'Hôpital, Sœur", sex="M",
        birth_date=D(2007, 3, 2), labour_status="inactive", education_level="infra3")
    pathway(people["eve"], D(2025, 3, 1))
    # Leaver (entered 2024), non-binary, 60, refuses every sensitive item.
    ana = factories.ParticipantFactory(
        referent=referent, first_name="Ana", last_name="Ærøskøbing", sex="X",
        birth_date=D(1965, 1, 1), labour_status="employed", education_level="niveau5plus",
        rural=True)
    answers(ana, **dict.fromkeys(SENSITIVE_ITEMS, "refused"))
    path = pathway(ana, D(2024, 5, 1), D(2025, 6, 30), "abandon")
    follow_up(path, exit_situation="job_searching", qualification_gained=False,
              exit_situation_on=D(2025, 7, 5))
    people["ana"] = ana
    # Re-entry: first entered in 2023, so not an entrant of 2025.
    lea = factories.ParticipantFactory(referent=referent, first_name="Léa", last_name="Noël",
                                       sex="F", labour_status="inactive")
    pathway(lea, D(2023, 2, 1), D(2023, 10, 1), "demenagement")
    pathway(lea, D(2025, 4, 1))
    people["lea"] = lea
    # Another référent's entrant, a formula-looking first name.
    people["max"] = factories.ParticipantFactory(
        referent=other_referent, first_name="=SOMME(A1)", last_name="Formule", sex="M",
        birth_date=D(1980, 1, 1), labour_status="unemployed", unemployed_since=D(2024, 1, 1),
        education_level="niveau4", criteria=criteria("SANS_HEBERGEMENT"))
    pathway(people["max"], D(2025, 2, 1))
    # Entrant with nothing filled in.
    people["sam"] = factories.ParticipantFactory(
        referent=referent, first_name="Sam", last_name="Inconnu", sex="", birth_date=None,
        postcode="")
    pathway(people["sam"], D(2025, 5, 5))
    # Entered in 2026: outside 2025.
    people["tom"] = factories.ParticipantFactory(referent=referent, first_name="Tom",
                                                 last_name="Tard", sex="M")
    pathway(people["tom"], D(2026, 1, 10))
    return people


@pytest.fixture
def as_supervisor(client, supervisor):
    """The test client signed in as the supervisor."""
    sign_in(client, supervisor)
    return client


def audit_events(action: str) -> list[dict]:
    """The audit events of an action, with their detail."""
    rows = db.session.execute(sa.select(AuditEvent.detail, AuditEvent.user_id)
                              .where(AuditEvent.action == action).order_by(AuditEvent.id))
    return [{**json.loads(detail or "{}"), "user_id": user} for detail, user in rows]


def read_csv(response) -> list[list[str]]:
    """A CSV response parsed the way French Excel reads it."""
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(response) -> dict[str, list[list]]:
    """Every sheet of an XLSX response, as lists of values."""
    book = load_workbook(io.BytesIO(response.get_data()))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book}


# --- The report page and its exports -----------------------------------------------------

def table_from_csv(rows: list[list[str]]) -> dict[str, list[int]]:
    """Indicator code or label → [women, men, non-binary, not given, total]."""
    assert rows[0] == INDICATOR_HEADERS
    table = {}
    for row in rows[1:]:
        if not row:
            break
        if row[2:]:
            table[row[0] or row[1]] = [int(value) for value in row[2:]]
    return table


def test_report_page_shows_the_table_by_sex(as_supervisor, supervisor, dataset):
    """The 2025 table: four entrants plus Sam (sex not given); two leavers."""
    response = as_supervisor.get(f"/reports/fse?{YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Rapports FSE+" in html and 'aria-current="page"' in html
    assert '<tr data-code="EECO01">' in html
    total = html.split('<tr data-code="EECO01">')[1].split("</tr>")[0]
    assert re.findall(r'<td class="text-end[^"]*">(\d+)</td>', total) == ["1", "2", "0", "1", "4"]
    assert audit_events("report.fse") == [
        {"period": "2025", "scope": "plie", "user_id": supervisor.id}]


def test_indicator_exports_agree_with_each_other(as_supervisor, dataset):
    """The CSV and the XLSX of the indicator table hold the same numbers, as counted by hand."""
    table = table_from_csv(read_csv(as_supervisor.get(f"/reports/fse/indicateurs.csv?{YEAR}")))
    # Entrants: Zoé (F), Ève-Marie (M, 17), Max (M), Sam (sex not given).
    assert table["EECO01"] == [1, 2, 0, 1, 4]
    assert table["EECO02"] == [1, 1, 0, 0, 2]  # Zoé, Max
    assert table["EECO03"] == [1, 1, 0, 0, 2]  # Zoé 26 months, Max 13 months
    assert table["EECO06"] == [0, 1, 0, 0, 1]  # Ève-Marie, 17
    assert table["EECO13"] == [1, 0, 0, 0, 1]  # Zoé
    assert table["EECO16"] == [0, 1, 0, 0, 1]  # Max, by the "Sans hébergement" criterion
    assert table["Nombre total de sortants"] == [1, 0, 1, 0, 2]  # Zoé, Ana
    assert table["EECR04"] == [1, 0, 0, 0, 1]
    assert table["EECR01"] == [0, 0, 1, 0, 1]
    sheets = read_xlsx(as_supervisor.get(f"/reports/fse/indicateurs.xlsx?{YEAR}"))
    indicators = sheets["Indicateurs FSE+"]
    assert list(indicators[0]) == INDICATOR_HEADERS
    from_xlsx = {(row[0] or row[1]): list(row[2:]) for row in indicators[1:] if row[2] is not None}
    assert from_xlsx == table
    figures = dict(sheets["Chiffres du PLIE"][1:])
    assert figures["Premières entrées (participants comptés)"] == 4
    assert figures["Entrées dans un parcours (ré-entrées comprises)"] == 5  # + Léa's re-entry
    assert figures["Sorties"] == 2
    assert figures["Taux de sorties positives (provisoires comprises, %)"] == 50


def recount(rows: list[dict]) -> dict[str, list[int]]:
    """The indicator table recomputed from the participant export's columns alone."""
    sexes = {"Femme": 0, "Homme": 1, "Non-binaire": 2, "": 3}
    tests = {
        "EECO01": lambda r: True,
        "EECO02": lambda r: r["Situation à l'entrée"] == "Chômeur",
        "EECO03": lambda r: r["Chômeur de longue durée"] == "Oui",
        "EECO04": lambda r: r["Situation à l'entrée"] == "Inactif",
        "EECO05": lambda r: r["Situation à l'entrée"] == "En emploi",
        "EECO06": lambda r: r["Âge à l'entrée"] not in ("", None) and int(r["Âge à l'entrée"]) < 18,
        "EECO09": lambda r: r["Niveau CITE"] == "CITE 0-2",
        "EECO11": lambda r: r["Niveau CITE"] == "CITE 5-8",
        "EECO12": lambda r: r["Participant handicapé"] == "Oui",
        "EECO13": lambda r: r["Ressortissant de pays tiers"] == "Oui",
        "EECO16": lambda r: r["Sans domicile ou exclu du logement"] == "Oui",
        "EECO17": lambda r: r["Zone rurale"] == "Oui",
    }
    table = {code: [0] * 5 for code in tests}
    for row in rows:
        if row["Entrant de la période"] != "Oui":
            continue
        for code, test in tests.items():
            if test(row):
                table[code][sexes[row["Sexe"] or ""]] += 1
                table[code][4] += 1
    leavers = [r for r in rows if r["Sortant de la période"] == "Oui"]
    table["Nombre total de sortants"] = [0] * 5
    for row in leavers:
        table["Nombre total de sortants"][sexes[row["Sexe"] or ""]] += 1
        table["Nombre total de sortants"][4] += 1
    return table


def test_participant_csv_round_trip_and_cross_check(as_supervisor, dataset):
    """Every name survives the trip; the rows recount the indicator table exactly."""
    response = as_supervisor.get(f"/reports/fse/participants.csv?{YEAR}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert 'filename="fse-participants-2025.csv"' in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == HEADERS
    records = [dict(zip(HEADERS, row, strict=True)) for row in rows[1:]]
    names = {(r["Nom"], r["Prénom"]) for r in records}
    # Entrants and leavers of 2025; not Léa (re-entry) nor Tom (2026).
    assert names == {('Dupré; "la Grande"', "Zoé"), ("L'Hôpital, Sœur", "Ève-Marie"),
                     ("Ærøskøbing", "Ana"), ("Formule", "'=SOMME(A1)"), ("Inconnu", "Sam")}
    zoe = next(r for r in records if r["Prénom"] == "Zoé")
    assert zoe["Date de naissance"] == "04/05/1990"
    assert zoe["Date de première entrée"] == "01/03/2025"
    assert zoe["Situation à la sortie"] == "En emploi (y compris indépendant)"
    assert zoe["Type de contrat à la sortie"] == "CDI"
    assert zoe["Sortie positive validée"] == "Non"  # a job-based exit, not validated yet
    assert zoe["Minima sociaux"] == "RSA"
    ana = next(r for r in records if r["Prénom"] == "Ana")
    assert ana["Origine étrangère"] == "Refuse de répondre"
    assert ana["Entrant de la période"] == "Non" and ana["Sortant de la période"] == "Oui"
    sam = next(r for r in records if r["Prénom"] == "Sam")
    assert sam["Données d'entrée complètes"] == "Non"
    assert sam["Données manquantes"].startswith("Sexe, Date de naissance, Code postal")
    table = table_from_csv(read_csv(as_supervisor.get(f"/reports/fse/indicateurs.csv?{YEAR}")))
    for code, counted in recount(records).items():
        assert table[code] == counted, code


def test_participant_xlsx_round_trip_and_cross_check(as_supervisor, dataset):
    """The XLSX holds the same rows as the CSV, with real dates and numbers."""
    response = as_supervisor.get(f"/reports/fse/participants.xlsx?{YEAR}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = read_xlsx(response)["Participants FSE+"]
    assert sheet[0] == HEADERS
    records = [dict(zip(HEADERS, row, strict=True)) for row in sheet[1:]]
    zoe = next(r for r in records if r["Prénom"] == "Zoé")
    assert zoe["Nom"] == 'Dupré; "la Grande"'
    assert zoe["Date de naissance"] == datetime(1990, 5, 4)
    assert zoe["Âge à l'entrée"] == 34
    # No apostrophe in XLSX: a text cell is never a formula there.
    assert {r["Prénom"] for r in records} == {"Zoé", "Ève-Marie", "Ana", "=SOMME(A1)", "Sam"}
    text_rows = [{k: ("" if v is None else v) for k, v in r.items()} for r in records]
    csv_rows = read_csv(as_supervisor.get(f"/reports/fse/participants.csv?{YEAR}"))
    assert len(csv_rows) - 1 == len(records)
    table = table_from_csv(read_csv(as_supervisor.get(f"/reports/fse/indicateurs.csv?{YEAR}")))
    for code, counted in recount(text_rows).items():
        assert table[code] == counted, code


def test_scope_narrows_to_a_referent_or_a_structure(as_supervisor, dataset, other_referent):
    """Max is the other référent's only participant, in his structure."""
    for scope in (f"r{other_referent.id}", f"s{other_referent.structure_id}"):
        rows = read_csv(as_supervisor.get(
            f"/reports/fse/participants.csv?{YEAR}&perimetre={scope}"))
        assert [row[2] for row in rows[1:]] == ["'=SOMME(A1)"]
        table = table_from_csv(read_csv(as_supervisor.get(
            f"/reports/fse/indicateurs.csv?{YEAR}&perimetre={scope}")))
        assert table["EECO01"] == [0, 1, 0, 0, 1]
    response = as_supervisor.get(
        f"/reports/fse/participants.csv?{YEAR}&perimetre=r{other_referent.id}")
    assert f"-r{other_referent.id}.csv" in response.headers["Content-Disposition"]


def test_custom_period_and_bad_filters(as_supervisor, dataset):
    """Two dates make the period; a half-given period falls back to the year with a message."""
    rows = read_csv(as_supervisor.get(
        "/reports/fse/participants.csv?du=2025-03-01&au=2025-03-31"))
    assert {row[2] for row in rows[1:]} == {"Zoé", "Ève-Marie"}
    response = as_supervisor.get("/reports/fse?du=2025-03-01")
    assert response.status_code == 200
    assert "Indiquez les deux dates de la période" in response.get_data(as_text=True)
    response = as_supervisor.get("/reports/fse?perimetre=s999999&annee=abc")
    assert response.status_code == 200


def test_column_documentation_lists_every_column(as_supervisor):
    """The layout page describes each exported column, in order."""
    html = as_supervisor.get("/reports/fse/colonnes").get_data(as_text=True)
    positions = [html.index(f"<th scope=\"row\">{c.header}</th>".replace("'", "&#39;"))
                 for c in COLUMNS]
    assert positions == sorted(positions)


def test_every_indicator_has_a_row_in_the_exports(as_supervisor, dataset):
    """All rows of the domain's table reach the export."""
    table = table_from_csv(read_csv(as_supervisor.get(f"/reports/fse/indicateurs.csv?{YEAR}")))
    expected = {code or label for code, label, _ in OUTPUT_INDICATORS + RESULT_INDICATORS}
    assert set(table) == expected


# --- Permissions and audit on every report and export ------------------------------------

REPORT_URLS = [
    "/reports/fse", "/reports/fse/participants.csv", "/reports/fse/participants.xlsx",
    "/reports/fse/indicateurs.csv", "/reports/fse/indicateurs.xlsx", "/reports/fse/a-completer",
    "/reports/fse/colonnes",
]


@pytest.mark.parametrize("url", REPORT_URLS)
@pytest.mark.parametrize("role", ["referent", "admin"])
def test_reports_refused_to_referents_and_admins(client, request, dataset, url, role):
    """A référent or the admin gets an audited 403 and no data."""
    user = request.getfixturevalue(role)
    sign_in(client, user)
    response = client.get(f"{url}?{YEAR}")
    assert response.status_code == 403
    assert "Zoé" not in response.get_data(as_text=True)
    assert [(d["status"], d["user_id"]) for d in audit_events("access.denied")] == [
        (403, user.id)]
    assert audit_events("export.fse") == []


@pytest.mark.parametrize("url", REPORT_URLS)
def test_reports_send_anonymous_visitors_to_login(client, dataset, url):
    """No session: the login page, with the report as the next page."""
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(("kind", "fmt"), [("participants", "csv"), ("participants", "xlsx"),
                                          ("indicateurs", "csv"), ("indicateurs", "xlsx")])
def test_every_export_is_audited(as_supervisor, supervisor, dataset, other_referent, kind, fmt):
    """Each export writes who, what, which period and scope, before the first byte."""
    response = as_supervisor.get(
        f"/reports/fse/{kind}.{fmt}?{YEAR}&perimetre=r{other_referent.id}")
    assert response.status_code == 200
    response.get_data()
    assert audit_events("export.fse") == [{
        "kind": kind, "format": fmt, "period": "2025", "scope": f"r{other_referent.id}",
        "user_id": supervisor.id}]


def test_unknown_export_format_is_404(as_supervisor):
    """Only CSV and XLSX exist."""
    assert as_supervisor.get("/reports/fse/participants.pdf").status_code == 404


# --- Files to complete -------------------------------------------------------------------

def test_files_to_complete_most_overdue_first(as_supervisor, supervisor, dataset):
    """Overdue situations after exit and incomplete entry data, the oldest due first."""
    response = as_supervisor.get("/reports/fse/a-completer")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    order = [public_id for public_id in (p.public_id for p in dataset.values())
             if f'data-participant="{public_id}"' in html]
    listed = sorted(order, key=lambda pid: html.index(f'data-participant="{pid}"'))
    people = {p.public_id: name for name, p in dataset.items()}
    # Each by their oldest due item: Léa's entry data (since 1 Feb 2023, before her overdue
    # exit situation of October 2023), Max's and Ève-Marie's and Sam's entry data (2025
    # entries), Ana's 6-month situation (due 30 Dec 2025), Tom's entry data (January 2026),
    # Zoé's 6-month situation (due 30 Mar 2026).
    assert [people[pid] for pid in listed] == ["lea", "max", "eve", "sam", "ana", "tom", "zoe"]
    lea = html.split(f'data-participant="{dataset["lea"].public_id}"')[1].split("</tr>")[0]
    assert "Situation à la sortie du 01/10/2023 à renseigner" in lea
    assert "/fse/sortie?parcours=" in lea
    assert audit_events("report.fse_todo")[0]["user_id"] == supervisor.id


def test_files_to_complete_paginate(as_supervisor, referent):
    """Fifty files a page."""
    for index in range(51):
        person = factories.ParticipantFactory(referent=referent, last_name=f"Nom{index:02}")
        pathway(person, D(2025, 1, 1) + timedelta(days=index))
    first = as_supervisor.get("/reports/fse/a-completer").get_data(as_text=True)
    assert first.count("data-participant=") == 50
    assert "Page 1 sur 2" in first
    second = as_supervisor.get("/reports/fse/a-completer?page=2").get_data(as_text=True)
    assert second.count("data-participant=") == 1
    assert "NOM50" in second


# --- The participant's FSE+ page and forms -----------------------------------------------

@pytest.fixture
def as_referent(client, referent):
    """The test client signed in as the référent."""
    sign_in(client, referent)
    return client


def test_fse_page_shows_the_file_and_asks_only_the_missing_items(as_referent, dataset):
    """Ève-Marie: the file's data shown, the four sensitive items asked; nothing asked twice."""
    eve = dataset["eve"]
    html = as_referent.get(f"/participants/{eve.public_id}/fse").get_data(as_text=True)
    assert "Données d'entrée incomplètes" in html
    assert "17 ans à l'entrée" in html
    for item in SENSITIVE_ITEMS:
        assert f'name="{item}"' in html
    max_ = dataset["max"]
    # Max's homelessness comes from his criterion: not asked, shown as answered.
    sign_in(as_referent, max_.referent)
    html = as_referent.get(f"/participants/{max_.public_id}/fse").get_data(as_text=True)
    assert 'name="homeless"' not in html
    assert "critère « Sans hébergement »" in html
    views = [e for e in audit_events("participant.view") if e.get("page") == "fse"]
    assert len(views) == 2


def test_saving_the_sensitive_items_with_a_refusal_completes_the_file(as_referent, dataset):
    """Answers and a refusal complete the file; the change is audited."""
    eve = dataset["eve"]
    response = as_referent.post(f"/participants/{eve.public_id}/fse", data={
        "third_country_national": "no", "foreign_background": "refused", "minority": "no",
        "homeless": "no", "version": "0"})
    assert response.status_code == 302
    row = db.session.get(ParticipantFseData, eve.id)
    assert row.foreign_background == "refused"
    html = as_referent.get(f"/participants/{eve.public_id}/fse").get_data(as_text=True)
    assert "Données d'entrée complètes" in html
    assert 'name="minority"' not in html  # answered: not asked again
    (event,) = audit_events("fse.entry_update")
    assert set(event["fields"]) == set(SENSITIVE_ITEMS)
    # Only the items posted change: a later partial post keeps the others.
    as_referent.post(f"/participants/{eve.public_id}/fse",
                     data={"minority": "yes", "version": str(row.version)})
    db.session.refresh(row)
    assert (row.minority, row.foreign_background) == ("yes", "refused")


def test_an_unknown_answer_is_refused(as_referent, dataset):
    """A value outside the list is refused with a French message and nothing saved."""
    eve = dataset["eve"]
    response = as_referent.post(f"/participants/{eve.public_id}/fse",
                                data={"minority": "peut-etre", "version": "0"})
    assert response.status_code == 400
    assert db.session.get(ParticipantFseData, eve.id) is None


def test_stale_sensitive_items_get_409(as_referent, dataset):
    """A colleague answered first: 409 with both versions, nothing overwritten."""
    zoe = dataset["zoe"]  # answers stored at version 1
    response = as_referent.post(f"/participants/{zoe.public_id}/fse",
                                data={"minority": "yes", "version": "0"})
    assert response.status_code == 409
    assert "un(e) collègue a enregistré une autre version" in response.get_data(as_text=True)
    assert db.session.get(ParticipantFseData, zoe.id).minority == "no"
    assert len(audit_events("record.update_conflict")) == 1


def exit_url(participant, suffix="sortie"):
    """A situation form of the participant."""
    return f"/participants/{participant.public_id}/fse/{suffix}"


def test_exit_situation_validation_in_french(as_referent, dataset):
    """Employed needs a contract; the date is after the exit and not in the future."""
    eve = dataset["eve"]
    path = eve.pathways[0]
    path.exit_date = TODAY - timedelta(days=40)
    path.exit_category = "abandon"
    db.session.commit()
    response = as_referent.post(exit_url(eve), data={
        "exit_situation": "employed", "exit_contract_type": "", "qualification_gained": "False",
        "exit_situation_on": (TODAY - timedelta(days=41)).isoformat(), "version": "0"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Indiquez le type de contrat de l&#39;emploi occupé." in html
    assert "La situation se constate à partir de la sortie" in html
    response = as_referent.post(exit_url(eve), data={"version": "0"})
    assert response.status_code == 400
    assert "Choisissez la situation de la personne." in response.get_data(as_text=True)
    assert db.session.get(ExitFollowUp, path.id) is None


def test_exit_situation_clears_the_alert_and_is_audited(as_referent, dataset):
    """Recorded situation: the participant page shows it and the audit log has it."""
    eve = dataset["eve"]
    path = eve.pathways[0]
    path.exit_date = TODAY - timedelta(days=40)
    path.exit_category = "abandon"
    db.session.commit()
    page = as_referent.get(f"/participants/{eve.public_id}").get_data(as_text=True)
    assert 'data-testid="fse-section"' in page
    assert 'data-state="late"' in page
    response = as_referent.post(exit_url(eve), data={
        "exit_situation": "education", "exit_contract_type": "", "qualification_gained": "True",
        "exit_situation_on": TODAY.isoformat(), "version": "0"})
    assert response.status_code == 302
    row = db.session.get(ExitFollowUp, path.id)
    assert (row.exit_situation, row.qualification_gained) == ("education", True)
    page = as_referent.get(f"/participants/{eve.public_id}").get_data(as_text=True)
    assert 'data-state="recorded"' in page
    (event,) = audit_events("fse.exit_situation")
    assert event["pathway"] == path.public_id
    # The form reads back the saved values.
    form = as_referent.get(exit_url(eve)).get_data(as_text=True)
    assert 'value="True" selected' in form or 'selected value="True"' in form


def test_exit_situation_prefilled_from_the_exit_job(as_referent, dataset):
    """No double entry: the exit job gives the situation and the contract."""
    eve = dataset["eve"]
    path = eve.pathways[0]
    job = factories.EmploymentFactory(pathway=path, contract_type="CDI", planned_end=None,
                                      start_date=TODAY - timedelta(days=20))
    path.exit_date = TODAY - timedelta(days=10)
    path.exit_category = "emploi_durable"
    path.exit_employment_id = job.id
    db.session.commit()
    html = as_referent.get(exit_url(eve)).get_data(as_text=True)
    assert 'value="employed" selected' in html or 'selected value="employed"' in html
    assert 'value="CDI" selected' in html or 'selected value="CDI"' in html


def test_stale_exit_situation_gets_409(as_referent, dataset):
    """Two people record the same situation: the second sees both versions."""
    zoe = dataset["zoe"]
    path = zoe.pathways[0]
    response = as_referent.post(exit_url(zoe), data={
        "exit_situation": "inactive", "exit_contract_type": "", "qualification_gained": "False",
        "exit_situation_on": "2025-10-01", "version": "0"})
    assert response.status_code == 409
    assert db.session.get(ExitFollowUp, path.id).exit_situation == "employed"


def test_six_month_situation_not_before_it_is_due(as_referent, dataset):
    """The 6-month situation is observed from the 6-month day on, then saved and audited."""
    zoe = dataset["zoe"]
    path = zoe.pathways[0]
    row = db.session.get(ExitFollowUp, path.id)
    early = add_months(path.exit_date, 6) - timedelta(days=1)
    response = as_referent.post(exit_url(zoe, "six-mois"), data={
        "post_exit_situation": "employed", "post_exit_improved": "True",
        "post_exit_situation_on": early.isoformat(), "version": str(row.version)})
    assert response.status_code == 400
    assert "se constate à partir du 30/03/2026" in response.get_data(as_text=True)
    response = as_referent.post(exit_url(zoe, "six-mois"), data={
        "post_exit_situation": "employed", "post_exit_improved": "True",
        "post_exit_situation_on": "2026-04-02", "version": str(row.version)})
    assert response.status_code == 302
    db.session.refresh(row)
    assert (row.post_exit_situation, row.post_exit_improved) == ("employed", True)
    assert row.exit_situation == "employed"  # the other form's data is kept
    assert len(audit_events("fse.post_exit_situation")) == 1


def test_situation_forms_need_an_exit(as_referent, dataset):
    """No exit, nothing to record: 404; an unknown ?parcours= too."""
    assert as_referent.get(exit_url(dataset["eve"])).status_code == 404
    assert as_referent.get(exit_url(dataset["zoe"]) + "?parcours=inconnu").status_code == 404


@pytest.mark.parametrize("suffix", ["", "/sortie", "/six-mois"])
def test_fse_forms_follow_the_participant_permission(client, dataset, other_referent, admin,
                                                     suffix):
    """Another caseload's référent gets 404, the admin 403, both audited."""
    zoe = dataset["zoe"]
    sign_in(client, other_referent)
    assert client.get(f"/participants/{zoe.public_id}/fse{suffix}").status_code == 404
    sign_in(client, admin)
    assert client.get(f"/participants/{zoe.public_id}/fse{suffix}").status_code == 403
    assert [d["status"] for d in audit_events("access.denied")] == [404, 403]


def test_readme_documents_every_column():
    """README.md's layout table lists the export's columns, in order, as the code writes them."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for number, column in enumerate(COLUMNS, start=1):
        assert f"| {number} | {column.header} | {column.meaning} | {column.format} |" in readme


def test_xlsx_writer_keeps_text_as_text():
    """Separators, quotes, line breaks, edge spaces and formula-like text survive; control
    characters XML cannot hold are dropped rather than corrupting the file."""
    values = ['Dupré; "Zoé"', "Ligne 1\nLigne 2", " espace ", "=1+1", "a\x01b", 3,
              D(2025, 3, 1), None, ""]
    header = [f"C{i}" for i in range(len(values))]
    data = b"".join(stream_workbook([("Essai: [1]/2", header, [values], [])]))
    sheet = load_workbook(io.BytesIO(data))["Essai   1  2"]
    assert [cell.value for cell in sheet[2]] == [
        'Dupré; "Zoé"', "Ligne 1\nLigne 2", " espace ", "=1+1", "ab", 3,
        datetime(2025, 3, 1), None, None]
    assert sheet["G2"].number_format == "dd/mm/yyyy"
    assert sheet["A1"].font.b
