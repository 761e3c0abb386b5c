"""FSE+ indicators on a hand-built PLIE of 30 participants, every expected number counted by hand.

The period is 2025. Most people enter on E = 1 March 2025, so their age at entry is read from
their birth date alone; the comments give each person's age at their first entry.
"""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.fse import (
    SENSITIVE_ITEMS,
    ParticipantRecord,
    PathwayData,
    Period,
    PersonData,
    answer,
    compute_report,
    concerned,
    counted_exit,
    entry_missing,
    follow_up_state,
    long_term_unemployed,
    todo_items,
)

D = date
E = D(2025, 3, 1)
YEAR = Period.year(2025)
NO = {"third_country_national": "no", "foreign_background": "no", "minority": "no",
      "homeless": "no"}


def person(key, sex, born, status="", since=None, edu="niveau3", criteria=(), **extra):
    """A participant file; every sensitive item answered "no" unless given."""
    values = {**NO, **extra}
    return PersonData(key=key, sex=sex, birth_date=born, postcode="37000", labour_status=status,
                      unemployed_since=since, education_level=edu,
                      criteria=frozenset(criteria), **values)


def rec(who, *pathways):
    """A participant with their pathways."""
    return ParticipantRecord(who, tuple(pathways))


def pw(key, entry=E, exit_=None, category="", **extra):
    """A pathway."""
    return PathwayData(key=key, entry_date=entry, exit_date=exit_, exit_category=category, **extra)


DATASET = [
    # P1 F 17 at entry (18 the next day), inactive, ISCED 0-2, rural, third-country, foreign.
    rec(person(1, "F", D(2007, 3, 2), "inactive", edu="infra3", rural=True,
               third_country_national="yes", foreign_background="yes"),
        pw(101, steps_in_period=2, interviews_in_period=5)),
    # P2 M 18 exactly, unemployed 3 months (young: not long-term), refuses third-country.
    rec(person(2, "M", D(2007, 3, 1), "unemployed", D(2024, 12, 1), criteria=["JEUNE"],
               third_country_national="refused"), pw(102)),
    # P3 F 29 (30 the next day), employed, Bac, foreign background.
    rec(person(3, "F", D(1995, 3, 2), "employed", edu="niveau4", foreign_background="yes"),
        pw(103)),
    # P4 M 30 exactly, inactive, Bac+2, refuses foreign background and minority.
    rec(person(4, "M", D(1995, 3, 1), "inactive", edu="niveau5plus",
               foreign_background="refused", minority="refused"), pw(104)),
    # P5 F 54 (55 the next day), unemployed 26 months: long-term; RSA; minority.
    rec(person(5, "F", D(1970, 3, 2), "unemployed", D(2023, 1, 1), edu="infra3",
               criteria=["RSA"], minority="yes"), pw(105)),
    # P6 M 55 exactly, unemployed 9 months (not long-term at 55); ASS; homelessness answered
    # by the "Sans hébergement" criterion, the item itself left blank.
    rec(person(6, "M", D(1970, 3, 1), "unemployed", D(2024, 6, 1),
               criteria=["SANS_HEBERGEMENT", "ASS"], homeless=""), pw(106)),
    # P7 M 24, unemployed exactly 6 months: long-term for an under-25; homeless.
    rec(person(7, "M", D(2000, 6, 1), "unemployed", D(2024, 9, 1), homeless="yes"), pw(107)),
    # P8 F 24, unemployed 5 months: not long-term; refuses homelessness.
    rec(person(8, "F", D(2000, 6, 1), "unemployed", D(2024, 9, 2), edu="niveau4",
               homeless="refused"), pw(108)),
    # P9 M 25 exactly, unemployed 6 months: not long-term at 25.
    rec(person(9, "M", D(2000, 3, 1), "unemployed", D(2024, 9, 1), edu="niveau4"), pw(109)),
    # P10 F 40, unemployed exactly 12 months: long-term; RQTH; left on a job (provisional).
    rec(person(10, "F", D(1985, 1, 10), "unemployed", D(2024, 3, 1), edu="niveau5plus",
               rqth=True),
        pw(110, exit_=D(2025, 10, 31), category="emploi_durable", exit_situation="employed",
           exit_contract_type="CDI", exit_situation_on=D(2025, 11, 10), steps_in_period=3,
           interviews_in_period=8)),
    # P11 X 40, unemployed 11 months: not long-term.
    rec(person(11, "X", D(1985, 1, 10), "unemployed", D(2024, 3, 2), edu="infra3"), pw(111)),
    # P12 M 44, unemployed since an unknown date but DELD: long-term; AAH: disabled.
    rec(person(12, "M", D(1980, 5, 5), "unemployed", criteria=["DELD", "AAH"]), pw(112)),
    # P13 F 34, unemployed since an unknown date, no criterion: not long-term; no education
    # level and no sensitive answer.
    rec(person(13, "F", D(1990, 7, 7), "unemployed", edu="", third_country_national="",
               foreign_background="", minority="", homeless=""), pw(113)),
    # P14 M 37, employed, RQTH criterion: disabled; left on a validated job, employed and
    # better off 6 months later.
    rec(person(14, "M", D(1988, 2, 2), "employed", edu="niveau4", criteria=["RQTH"]),
        pw(114, exit_=D(2025, 6, 30), category="emploi_durable",
           exit_validated_on=D(2025, 12, 31), exit_situation="employed",
           exit_contract_type="CDD", exit_situation_on=D(2025, 7, 10),
           post_exit_situation="employed", post_exit_improved=True,
           post_exit_situation_on=D(2026, 1, 5))),
    # P15 F 21 (entered 1 Feb), inactive in education; qualifying training, qualification.
    rec(person(15, "F", D(2003, 5, 5), "inactive", edu="niveau4", in_education=True),
        pw(115, entry=D(2025, 2, 1), exit_=D(2025, 9, 30), category="formation_qualifiante",
           exit_situation="education", qualification_gained=True,
           exit_situation_on=D(2025, 10, 5), post_exit_situation="job_searching",
           post_exit_improved=False, post_exit_situation_on=D(2026, 4, 1))),
    # P16 F entered in 2023, re-entered in 2025: not an entrant of 2025.
    rec(person(16, "F", D(1975, 1, 1), "unemployed", D(2020, 1, 1)),
        pw(1161, entry=D(2023, 5, 1), exit_=D(2024, 1, 10), category="abandon"),
        pw(1162, entry=D(2025, 4, 1), steps_in_period=1, interviews_in_period=3)),
    # P17 M entered twice in 2025: counted once, at 17 (his first entry), not 18 (the second);
    # left the first time without a recorded situation.
    rec(person(17, "M", D(2007, 1, 20), "inactive", edu="infra3"),
        pw(1171, entry=D(2025, 1, 15), exit_=D(2025, 3, 31), category="demenagement"),
        pw(1172, entry=D(2025, 9, 1))),
    # P18 F first entered in December 2024, re-entered in 2025: not an entrant.
    rec(person(18, "F", D(2007, 1, 1), "inactive"),
        pw(1181, entry=D(2024, 12, 15), exit_=D(2024, 12, 20), category="abandon"),
        pw(1182, entry=D(2025, 2, 1))),
    # P19 M oriented only: never counted.
    rec(person(19, "M", D(1990, 1, 1), "unemployed", D(2020, 1, 1)), pw(119, entry=None)),
    # P20 F enters in 2026: outside the period (its records are not counted either).
    rec(person(20, "F", D(1990, 1, 1), "inactive"),
        pw(120, entry=D(2026, 1, 5), steps_in_period=4, interviews_in_period=4)),
    # P21 M 65, employed, Bac+2, enters on the last day of the period.
    rec(person(21, "M", D(1960, 12, 31), "employed", edu="niveau5plus"),
        pw(121, entry=D(2025, 12, 31))),
    # P22 F entered on 31 Dec 2024, left on 1 Jan 2025, searching for a job.
    rec(person(22, "F", D(1999, 1, 1), "unemployed", D(2024, 1, 1)),
        pw(122, entry=D(2024, 12, 31), exit_=D(2025, 1, 1), category="abandon",
           exit_situation="job_searching", exit_situation_on=D(2025, 1, 15),
           interviews_in_period=1)),
    # P23 M left on the last day of the period, for health, no situation yet.
    rec(person(23, "M", D(1982, 8, 8), "unemployed", D(2022, 1, 1)),
        pw(123, entry=D(2024, 6, 1), exit_=D(2025, 12, 31), category="sante")),
    # P24 F accompanied all 2025, left in 2026.
    rec(person(24, "F", D(1970, 1, 1), "inactive"),
        pw(124, entry=D(2024, 1, 1), exit_=D(2026, 1, 2), category="abandon")),
    # P25 X left twice in 2025: the latest exit (business creation) counts.
    rec(person(25, "X", D(1978, 4, 4), "unemployed", D(2023, 1, 1)),
        pw(1251, entry=D(2024, 2, 1), exit_=D(2025, 2, 28), category="abandon",
           exit_situation="inactive", exit_situation_on=D(2025, 3, 10)),
        pw(1252, entry=D(2025, 5, 1), exit_=D(2025, 11, 30), category="creation_activite",
           exit_situation="employed", exit_contract_type="CREATION",
           qualification_gained=False, exit_situation_on=D(2025, 12, 5))),
    # P26 sex not given, 33, inactive, refuses every sensitive item.
    rec(person(26, "", D(1992, 2, 2), "inactive", third_country_national="refused",
               foreign_background="refused", minority="refused", homeless="refused"),
        pw(126)),
    # P27 F birth date unknown (no age band), employed.
    rec(person(27, "F", None, "employed"), pw(127)),
    # P28 F 60, unemployed 24 months: long-term; rural and QPV; reoriented, searching; inactive
    # 6 months later.
    rec(person(28, "F", D(1965, 3, 1), "unemployed", D(2023, 3, 1), rural=True, qpv=True),
        pw(128, exit_=D(2025, 8, 31), category="reorientation", exit_situation="job_searching",
           exit_situation_on=D(2025, 9, 20), post_exit_situation="inactive",
           post_exit_improved=False, post_exit_situation_on=D(2026, 3, 5))),
    # P29 M 31, employed, Bac+2, QPV and rural, third-country, foreign, minority.
    rec(person(29, "M", D(1993, 9, 9), "employed", edu="niveau5plus", qpv=True, rural=True,
               third_country_national="yes", foreign_background="yes", minority="yes"),
        pw(129)),
    # P30 F 38 (entered 15 June), inactive, RSA; left in December, no situation yet.
    rec(person(30, "F", D(1986, 11, 11), "inactive", edu="infra3", criteria=["RSA"]),
        pw(130, entry=D(2025, 6, 15), exit_=D(2025, 12, 15), category="autre")),
]


def counts(row) -> tuple[int, int, int, int, int]:
    """(women, men, non-binary, sex not given, total) of a table row."""
    return (row.counts["F"], row.counts["M"], row.counts["X"], row.counts[""], row.total)


@pytest.fixture(scope="module")
def report():
    """The 2025 table of the dataset."""
    return compute_report(DATASET, YEAR, Decimal(42))


# (code or label, women, men, non-binary, not given, total), counted by hand from DATASET.
OUTPUTS = [
    ("EECO01", 10, 10, 1, 1, 22),  # P1–P15, P17, P21, P26–P30
    ("EECO02", 5, 5, 1, 0, 11),  # P5 P8 P10 P13 P28 / P2 P6 P7 P9 P12 / P11
    ("EECO03", 3, 2, 0, 0, 5),  # P5 P10 P28 / P7 P12
    ("EECO04", 3, 2, 0, 1, 6),  # P1 P15 P30 / P4 P17 / P26
    ("EECO05", 2, 3, 0, 0, 5),  # P3 P27 / P14 P21 P29
    ("EECO06", 1, 1, 0, 0, 2),  # P1 (17) / P17 (17 at first entry)
    ("EECO07", 3, 3, 0, 0, 6),  # P3 (29) P8 P15 / P2 (18) P7 P9
    ("EECO08", 1, 2, 0, 0, 3),  # P28 / P6 (55) P21
    ("EECO09", 3, 1, 1, 0, 5),  # P1 P5 P30 / P17 / P11
    ("EECO10", 5, 6, 0, 1, 12),  # P3 P8 P15 P27 P28 / P2 P6 P7 P9 P12 P14 / P26
    ("EECO11", 1, 3, 0, 0, 4),  # P10 / P4 P21 P29
    ("EECO12", 1, 2, 0, 0, 3),  # P10 (RQTH) / P12 (AAH) P14 (RQTH criterion)
    ("EECO13", 1, 1, 0, 0, 2),  # P1 / P29 (P2 refused)
    ("EECO14", 2, 1, 0, 0, 3),  # P1 P3 / P29 (P4 refused)
    ("EECO15", 1, 1, 0, 0, 2),  # P5 / P29 (P4 refused)
    ("EECO16", 0, 2, 0, 0, 2),  # P6 (criterion) P7 (P8 refused)
    ("EECO17", 2, 1, 0, 0, 3),  # P1 P28 / P29
    ("Résidents d'un quartier prioritaire (QPV)", 1, 1, 0, 0, 2),  # P28 / P29
    ("Bénéficiaires de minima sociaux (RSA, ASS, AAH)", 2, 2, 0, 0, 4),  # P5 P30 / P6 P12
]
RESULTS = [
    ("Nombre total de sortants", 5, 3, 1, 0, 9),  # P10 P15 P22 P28 P30 / P14 P17 P23 / P25
    ("EECR01", 2, 0, 0, 0, 2),  # P22 P28
    ("EECR02", 1, 0, 0, 0, 1),  # P15
    ("EECR03", 1, 0, 0, 0, 1),  # P15 (P25 answered no)
    ("EECR04", 1, 1, 1, 0, 3),  # P10 / P14 / P25 (latest exit, not the earlier "inactive")
    ("Inactifs à la sortie", 0, 0, 0, 0, 0),
    ("Situation à la sortie non renseignée", 1, 2, 0, 0, 3),  # P30 / P17 P23
    ("EECR05", 0, 1, 0, 0, 1),  # P14
    ("EECR06", 0, 1, 0, 0, 1),  # P14
    ("Situation 6 mois après la sortie non renseignée", 3, 2, 1, 0, 6),
]


@pytest.mark.parametrize(("key", "women", "men", "nonbinary", "unknown", "total"), OUTPUTS)
def test_output_indicators_by_sex(report, key, women, men, nonbinary, unknown, total):
    """Each common output indicator, by sex, as counted by hand."""
    assert counts(report.output(key)) == (women, men, nonbinary, unknown, total)


@pytest.mark.parametrize(("key", "women", "men", "nonbinary", "unknown", "total"), RESULTS)
def test_result_indicators_by_sex(report, key, women, men, nonbinary, unknown, total):
    """Each result indicator upon leaving and at 6 months, by sex, as counted by hand."""
    assert counts(report.result(key)) == (women, men, nonbinary, unknown, total)


def test_every_row_is_checked(report):
    """The two lists above cover the whole table."""
    assert len(report.outputs) == len(OUTPUTS)
    assert len(report.results) == len(RESULTS)


def test_plie_figures(report):
    """Entries, exits by category, positive-exit rates, length, steps and interviews."""
    figures = report.figures
    # 15 pathways on E or 1 Feb (P1–P15), P16's and P18's re-entries, P17's two entries,
    # P21, P25's re-entry, P26–P30.
    assert figures.entries == 26
    assert figures.first_entries == 22
    # The 22 entrants and P16, P18, P22, P23, P24, P25; not P19 (never entered) nor P20 (2026).
    assert figures.accompanied == 28
    assert figures.exits == 9
    assert {k: v for k, v in figures.exits_by_category.items() if v} == {
        "emploi_durable": 2, "formation_qualifiante": 1, "creation_activite": 1,
        "demenagement": 1, "abandon": 1, "sante": 1, "reorientation": 1, "autre": 1}
    assert figures.positive_exits == 4  # P10, P14, P15, P25
    assert figures.positive_rate == Decimal("44.4")  # 4 / 9
    assert figures.validated_positive_exits == 2  # P14 (validated) and P15 (training)
    assert figures.validated_rate == Decimal("22.2")  # 2 / 9
    assert figures.target_percent == Decimal(42)
    # Days in pathway of the counted exits: 244 + 121 + 241 + 75 + 1 + 578 + 213 + 183 + 183
    # = 1839; 1839 / 9 = 204.3 days = 6.7 months of 30.44 days.
    assert figures.total_length_days == 1839
    assert figures.average_length_months == Decimal("6.7")
    assert figures.steps == 6  # 2 + 3 + 1 (P20's 4 are outside the period)
    assert figures.steps_per_participant == Decimal("0.2")  # 6 / 28
    assert figures.interviews == 17  # 5 + 8 + 3 + 1


def test_an_empty_period_has_no_rates():
    """No exit, no rate: the page shows a dash rather than dividing by zero."""
    report = compute_report(DATASET, Period.year(2010))  # before anyone entered
    assert report.output("EECO01").total == 0
    assert report.figures.accompanied == 0
    assert report.figures.positive_rate is None
    assert report.figures.average_length_months is None
    assert report.figures.steps_per_participant is None


def test_the_previous_year_counts_the_earlier_entries():
    """In 2024 P16 is not an entrant (2023) but P18, P22, P23, P24, P25 are; P16 leaves."""
    report = compute_report(DATASET, Period.year(2024))
    assert report.output("EECO01").total == 5
    # P18 was 17 at her first entry (15 Dec 2024).
    assert counts(report.output("EECO06")) == (1, 0, 0, 0, 1)
    assert report.figures.exits == 2  # P16's first exit, P18's first exit
    assert report.result("Nombre total de sortants").total == 2


# --- Long-term unemployment --------------------------------------------------------------

@pytest.mark.parametrize(("born", "since", "expected"), [
    (D(2001, 3, 2), D(2024, 9, 1), True),  # 23, 6 months
    (D(2001, 3, 2), D(2024, 9, 2), False),  # 23, 5 months
    (D(2000, 3, 2), D(2024, 9, 1), True),  # 24 (25 the next day), 6 months
    (D(2000, 3, 1), D(2024, 9, 1), False),  # 25, 6 months
    (D(2000, 3, 1), D(2024, 3, 1), True),  # 25, 12 months
    (D(1980, 1, 1), D(2024, 3, 2), False),  # 45, 11 months
    (D(1980, 1, 1), D(2024, 3, 1), True),  # 45, 12 months
    (None, D(2024, 6, 1), False),  # age unknown: the 12-month rule, 9 months
    (None, D(2024, 3, 1), True),  # age unknown, 12 months
])
def test_long_term_unemployment_at_6_and_12_months(born, since, expected):
    """≥ 12 months, or ≥ 6 months under 25, both counted on the entry day."""
    who = person(1, "F", born, "unemployed", since)
    assert long_term_unemployed(who, E) is expected


def test_long_term_criteria_only_when_the_duration_is_unknown():
    """DELD says long-term when no date is given; a known short duration wins over it."""
    assert long_term_unemployed(person(1, "F", D(1980, 1, 1), "unemployed",
                                       criteria=["DETLD"]), E)
    assert not long_term_unemployed(person(1, "F", D(1980, 1, 1), "unemployed", D(2025, 1, 1),
                                           criteria=["DELD"]), E)
    assert not long_term_unemployed(person(1, "F", D(1980, 1, 1), "inactive",
                                           criteria=["DELD"]), E)


# --- Completeness ------------------------------------------------------------------------

def by_key(key: int) -> ParticipantRecord:
    """The dataset's participant with this key."""
    return next(r for r in DATASET if r.person.key == key)


def test_missing_items_in_french():
    """P13 lacks the start of unemployment, her education level and every sensitive item."""
    assert entry_missing(by_key(13).person) == [
        "Date de début de la période sans emploi", "Niveau de formation",
        *SENSITIVE_ITEMS.values()]
    assert entry_missing(by_key(26).person) == ["Sexe"]
    assert entry_missing(by_key(27).person) == ["Date de naissance"]


@pytest.mark.parametrize("key", [2, 4, 6, 8, 12])
def test_refusals_and_criteria_count_as_answers(key):
    """A refusal is an answer; the "Sans hébergement" criterion and DELD answer their items."""
    assert entry_missing(by_key(key).person) == []


def test_criterion_answers_homelessness_only_when_the_item_is_blank():
    """The stored answer wins over the criterion."""
    who = person(1, "F", D(1980, 1, 1), criteria=["SANS_HEBERGEMENT"], homeless="refused")
    assert answer(who, "homeless") == "refused"
    assert answer(person(1, "F", D(1980, 1, 1), criteria=["SANS_HEBERGEMENT"], homeless=""),
                  "homeless") == "yes"
    assert answer(person(1, "F", D(1980, 1, 1), homeless=""), "homeless") == ""


def test_empty_file_lists_everything():
    """A file with nothing filled lists every item."""
    assert len(entry_missing(PersonData(key=1))) == 9


# --- Exit situations and what to complete ------------------------------------------------

def test_exit_situation_overdue_after_28_days_and_6_months_due_on_the_day():
    """The same boundaries as the alerts: late the day after the 28th, due on the 6-month day."""
    pathway = by_key(30).pathways[0]  # left 15 Dec 2025
    on_due = follow_up_state(pathway, D(2026, 1, 12))
    assert on_due.exit_due == D(2026, 1, 12) and not on_due.exit_overdue
    assert follow_up_state(pathway, D(2026, 1, 13)).exit_overdue
    assert follow_up_state(pathway, D(2026, 6, 14)).post_due_now is False
    assert follow_up_state(pathway, D(2026, 6, 15)).post_due_now is True
    assert follow_up_state(by_key(1).pathways[0], D(2026, 1, 1)) is None


def test_todo_items_oldest_first():
    """P17's situations are overdue; entry gaps are listed from the first entry."""
    today = D(2026, 1, 10)
    items = todo_items(by_key(17), today)
    assert [(i.kind, i.due_on, i.pathway_key) for i in items] == [
        ("exit_situation", D(2025, 4, 28), 1171), ("post_exit", D(2025, 9, 30), 1171)]
    assert todo_items(by_key(14), today) == []  # both recorded
    assert todo_items(by_key(30), today) == []  # not late yet
    entry = todo_items(by_key(13), today)
    assert [(i.kind, i.due_on) for i in entry] == [("entry", E)]
    assert entry[0].label.startswith("Données d'entrée incomplètes : date de début")
    assert todo_items(by_key(19), today) == []  # never entered


def test_counted_exit_and_concerned():
    """The latest exit of the period counts; entrants and leavers belong in the export."""
    assert counted_exit(by_key(25), YEAR).key == 1252
    assert counted_exit(by_key(16), YEAR) is None
    assert [r.person.key for r in DATASET if concerned(r, YEAR)] == [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 21, 22, 23, 25, 26, 27, 28, 29,
        30]


def test_period_boundaries():
    """Both ends of a period are in it."""
    assert D(2025, 1, 1) in YEAR and D(2025, 12, 31) in YEAR
    assert D(2024, 12, 31) not in YEAR and None not in YEAR
