"""The supervisor's pages keep both states at once: the period chosen and the table's filters.

On /supervision, a new period keeps the référents table's filter and sort; on a référent's
view, a new period keeps the caseload's filters and sort, and the caseload's filter form,
pager and summary links keep the period. Both go back to the table's first page when the
period changes; an invalid period is carried nowhere; the référent's own home page, which
shares the caseload partials, is unchanged.

The clock is frozen on 15 June 2026 (Paris): the current quarter is the 2nd of 2026.
"""

import html as html_lib
import re
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine

from app.clock import PARIS
from app.extensions import db
from tests.helpers import sign_in
from tests.integration.test_caseload import follow_up

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=PARIS)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')


@pytest.fixture
def frozen(app):
    """Every request and every evaluation of this test happens on 15 June 2026."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def crowded(frozen, referent):
    """Martin follows 27 participants in pathway: two pages of caseload (25 a page)."""
    for index in range(27):
        follow_up(referent, f"Suivi{index:02d}")
    db.session.commit()
    return referent


def page_text(response) -> str:
    """The page's HTML as text."""
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def form(html: str, testid: str) -> str:
    """The HTML of the form marked data-testid=testid."""
    return re.search(rf'<form [^>]*data-testid="{testid}".*?</form>', html, re.S).group(0)


def hidden(fragment: str) -> list[tuple[str, str]]:
    """The hidden inputs of a piece of HTML: (name, value), in order."""
    return [(name, html_lib.unescape(value)) for name, value in HIDDEN.findall(fragment)]


def period_section(html: str) -> str:
    """The period selector: its shortcuts and its form."""
    return re.search(r'<section class="period-selector.*?</section>', html, re.S).group(0)


def shortcuts(html: str) -> list[str]:
    """The raw href of each period shortcut, as written in the HTML."""
    line = re.search(r"Raccourcis :(.*?)</p>", period_section(html), re.S).group(1)
    return re.findall(r'href="([^"]*)"', line)


def link(html: str, text: str) -> str:
    """The raw href of the first link whose text starts with `text`."""
    return re.search(rf'href="([^"]*)"[^>]*>{re.escape(text)}', html).group(1)


def summary_links(html: str) -> list[str]:
    """The raw hrefs of the caseload's summary line."""
    summary = re.search(r'data-testid="caseload-summary">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'href="([^"]*)"', summary)


def submitted(fragment: str, **fields: str) -> dict[str, str]:
    """What a GET form sends: its hidden inputs, then the fields filled in."""
    return {**dict(hidden(fragment)), **fields}


def selected(html: str, select_id: str) -> str:
    """The value of the selected option of a select."""
    select = re.search(rf'<select [^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def period_label(html: str) -> str:
    """The period the figures are shown for."""
    return html_lib.unescape(re.search(r'data-testid="period-label">.*?<strong>(.*?)</strong>',
                                       html, re.S).group(1))


def raw_ampersands_only_as_entities(hrefs: list[str]) -> bool:
    """Every & of the hrefs is written &amp; in the HTML."""
    return all(re.search(r"&(?!amp;)", href) is None for href in hrefs)


# --- The dashboard -----------------------------------------------------------------------------


def test_a_new_period_keeps_the_referents_filter_and_sort(client, frozen, supervisor,
                                                          referent):
    """The period form and its shortcuts carry q and tri, not the page."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision?q=mar&tri=charge&page=2"))
    selector = form(html, "period-form")
    assert hidden(selector) == [("q", "mar"), ("tri", "charge")]
    assert shortcuts(html) == [
        "/supervision?q=mar&amp;tri=charge",
        "/supervision?annee=2026&amp;q=mar&amp;tri=charge",
        "/supervision?annee=2025&amp;q=mar&amp;tri=charge",
        "/supervision?annee=2026&amp;trimestre=2&amp;q=mar&amp;tri=charge",
        "/supervision?annee=2026&amp;trimestre=1&amp;q=mar&amp;tri=charge",
    ]
    assert "page" not in period_section(html)

    # Submitting the form: the new period, the same filter and sort, the table's first page.
    after = page_text(client.get("/supervision", query_string=submitted(
        selector, annee="2024", trimestre="", du="", au="")))
    assert period_label(after) == "l'année 2024"
    assert re.search(r'id="referents-q" name="q" value="mar"', after)
    assert selected(after, "referents-tri") == "charge"
    assert f'data-referent="{referent.id}"' in after
    assert "page 1 sur 1" in after


def test_a_chosen_period_is_not_duplicated_and_the_reset_keeps_the_table(client, frozen,
                                                                        supervisor, referent):
    """With a period chosen, the hidden inputs hold only the table's arguments (the period is
    the form's own fields); "12 derniers mois" goes back to the rolling year, same table."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision",
                                query_string={"annee": "2025", "q": "mar", "tri": "alertes"}))
    selector = form(html, "period-form")
    assert hidden(selector) == [("q", "mar"), ("tri", "alertes")]
    assert link(selector, "12 derniers mois") == "/supervision?q=mar&amp;tri=alertes"
    assert shortcuts(html)[0] == "/supervision?q=mar&amp;tri=alertes"
    rolling = page_text(client.get(html_lib.unescape(link(selector, "12 derniers mois"))))
    assert period_label(rolling).startswith("les 12 derniers mois")
    assert re.search(r'id="referents-q" name="q" value="mar"', rolling)
    assert selected(rolling, "referents-tri") == "alertes"
    # The table's own form still keeps the period, as before.
    assert hidden(form(html, "referents-filters")) == [("annee", "2025")]


def test_the_default_table_state_adds_nothing(client, frozen, supervisor, referent):
    """No filter and the default sort: the shortcuts are the plain period links."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision?q=&tri=nom&page=1"))
    assert hidden(form(html, "period-form")) == []
    assert shortcuts(html) == [
        "/supervision", "/supervision?annee=2026", "/supervision?annee=2025",
        "/supervision?annee=2026&amp;trimestre=2", "/supervision?annee=2026&amp;trimestre=1",
    ]


def test_an_invalid_period_is_not_carried_on_the_dashboard(client, frozen, supervisor,
                                                           referent):
    """A wrong year: the table's filter is kept, the year is carried nowhere."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision?annee=abc&q=mar"))
    assert 'data-testid="period-errors"' in html
    assert hidden(form(html, "period-form")) == [("q", "mar")]
    assert hidden(form(html, "referents-filters")) == []
    assert "abc" not in "".join(shortcuts(html))


# --- One référent's view -------------------------------------------------------------------


def test_a_new_period_keeps_the_caseload_filters(client, supervisor, crowded):
    """On page 2 of a filtered, sorted caseload: the period form and its shortcuts carry the
    filters and the sort, not the page; submitting it shows page 1 of the same caseload."""
    sign_in(client, supervisor)
    base = f"/supervision/referents/{crowded.id}"
    html = page_text(client.get(f"{base}?annee=2025&statut=in_pathway&tri=nom&page=2"))
    assert "page 2 sur 2" in html
    selector = form(html, "period-form")
    assert hidden(selector) == [("statut", "in_pathway"), ("tri", "nom")]
    assert shortcuts(html) == [
        f"{base}?statut=in_pathway&amp;tri=nom",
        f"{base}?annee=2026&amp;statut=in_pathway&amp;tri=nom",
        f"{base}?annee=2025&amp;statut=in_pathway&amp;tri=nom",
        f"{base}?annee=2026&amp;trimestre=2&amp;statut=in_pathway&amp;tri=nom",
        f"{base}?annee=2026&amp;trimestre=1&amp;statut=in_pathway&amp;tri=nom",
    ]
    assert link(selector, "12 derniers mois") == f"{base}?statut=in_pathway&amp;tri=nom"
    assert "page" not in period_section(html)

    after = page_text(client.get(base, query_string=submitted(
        selector, annee="2026", trimestre="1", du="", au="")))
    assert period_label(after).startswith("le 1er trimestre 2026")
    assert selected(after, "caseload-statut") == "in_pathway"
    assert selected(after, "caseload-tri") == "nom"
    assert "page 1 sur 2" in after


def test_every_caseload_filter_is_carried_by_the_period_form(client, supervisor, crowded):
    """Text, checkboxes, status, step type and sort: all of CaseloadFilters.args()."""
    sign_in(client, supervisor)
    html = page_text(client.get(f"/supervision/referents/{crowded.id}", query_string={
        "du": "2025-02-01", "q": "suivi", "alertes": "1", "sans_etape": "1",
        "statut": "in_pathway", "etape": "REMOB", "tri": "contact", "page": "3"}))
    assert hidden(form(html, "period-form")) == [
        ("q", "suivi"), ("alertes", "1"), ("sans_etape", "1"), ("statut", "in_pathway"),
        ("etape", "REMOB"), ("tri", "contact")]
    # And the caseload's form carries the period back.
    assert hidden(form(html, "caseload-filters")) == [("du", "2025-02-01")]


@pytest.mark.parametrize("period", [
    {"annee": "2025"},
    {"annee": "2025", "trimestre": "3"},
    {"du": "2025-02-01", "au": "2025-03-31"},
])
def test_the_caseload_keeps_the_period(client, supervisor, crowded, period):
    """The caseload's filter form, pager, summary links and "Effacer les filtres" keep the
    period chosen; following them shows the same period."""
    sign_in(client, supervisor)
    base = f"/supervision/referents/{crowded.id}"
    chosen = "&amp;".join(f"{name}={value}" for name, value in period.items())
    first = page_text(client.get(base, query_string={**period, "statut": "in_pathway"}))
    label = period_label(first)
    assert not label.startswith("les 12 derniers mois")

    assert hidden(form(first, "caseload-filters")) == list(period.items())
    assert link(first, "Effacer les filtres") == f"{base}?{chosen}"
    assert link(first, "Suivante") == f"{base}?{chosen}&amp;statut=in_pathway&amp;page=2"
    assert summary_links(first) == [f"{base}?{chosen}&amp;alertes=1",
                                    f"{base}?{chosen}&amp;sans_etape=1",
                                    f"{base}?{chosen}&amp;statut=exited"]

    second = page_text(client.get(html_lib.unescape(link(first, "Suivante"))))
    assert period_label(second) == label
    assert "page 2 sur 2" in second
    assert link(second, "Précédente") == f"{base}?{chosen}&amp;statut=in_pathway"
    for href in summary_links(second) + [link(second, "Effacer les filtres")]:
        target = page_text(client.get(html_lib.unescape(href)))
        assert period_label(target) == label, href
    # Submitting the caseload's form: the period stays, the new filter applies.
    filtered = page_text(client.get(base, query_string=submitted(
        form(first, "caseload-filters"), q="suivi26", statut="", etape="", tri="urgence")))
    assert period_label(filtered) == label
    assert len(re.findall(r'data-testid="caseload-row"', filtered)) == 1


def test_clearing_a_filter_that_matches_nobody_keeps_the_period(client, supervisor,
                                                                 crowded):
    """"Voir tout le portefeuille" clears the caseload's filters only."""
    sign_in(client, supervisor)
    base = f"/supervision/referents/{crowded.id}"
    html = page_text(client.get(f"{base}?annee=2025&q=zorglub&tri=nom"))
    assert 'data-testid="caseload-empty"' in html
    assert link(html, "Voir tout le portefeuille") == f"{base}?annee=2025"
    assert link(html, "Effacer les filtres") == f"{base}?annee=2025"
    assert hidden(form(html, "period-form")) == [("q", "zorglub"), ("tri", "nom")]


def test_an_invalid_period_is_not_carried_on_the_referent_view(client, supervisor, crowded):
    """A wrong year: the caseload's filter is kept, the year is carried nowhere."""
    sign_in(client, supervisor)
    base = f"/supervision/referents/{crowded.id}"
    html = page_text(client.get(f"{base}?annee=abc&statut=in_pathway"))
    assert 'data-testid="period-errors"' in html
    assert hidden(form(html, "period-form")) == [("statut", "in_pathway")]
    assert hidden(form(html, "caseload-filters")) == []
    assert link(html, "Suivante") == f"{base}?statut=in_pathway&amp;page=2"
    assert summary_links(html) == [f"{base}?alertes=1", f"{base}?sans_etape=1",
                                   f"{base}?statut=exited"]
    assert "abc" not in "".join(shortcuts(html))


def test_the_links_are_well_formed(client, supervisor, crowded):
    """Every & of the merged links is written &amp;, and each link reads back as sent."""
    sign_in(client, supervisor)
    base = f"/supervision/referents/{crowded.id}"
    html = page_text(client.get(base, query_string={
        "du": "2025-01-01", "au": "2025-12-31", "q": "l'été & co", "tri": "nom"}))
    hrefs = shortcuts(html) + summary_links(html) + [link(html, "Effacer les filtres")]
    assert raw_ampersands_only_as_entities(hrefs)
    assert dict(parse_qsl(urlsplit(html_lib.unescape(shortcuts(html)[1])).query)) == {
        "annee": "2026", "q": "l'été & co", "tri": "nom"}
    assert dict(parse_qsl(urlsplit(html_lib.unescape(summary_links(html)[0])).query)) == {
        "du": "2025-01-01", "au": "2025-12-31", "alertes": "1"}


# --- The référent's own home page ------------------------------------------------------------


def test_the_referents_home_carries_no_period(client, crowded):
    """At home there is no period: the caseload's form has no hidden input, its links are the
    plain ones, and period arguments in the URL change nothing."""
    sign_in(client, crowded)
    html = page_text(client.get("/?statut=in_pathway&page=2"))
    assert hidden(form(html, "caseload-filters")) == []
    assert summary_links(html) == ["/?alertes=1", "/?sans_etape=1", "/?statut=exited"]
    assert link(html, "Précédente") == "/?statut=in_pathway"
    assert link(html, "Effacer les filtres") == "/"
    assert link(page_text(client.get("/")), "Suivante") == "/?page=2"
    assert link(page_text(client.get("/?q=zorglub")), "Voir tout le portefeuille") == "/"
    for query in ("", "?page=2", "?statut=in_pathway"):
        plain = page_text(client.get(f"/{query}"))
        with_period = page_text(client.get(f"/{query}{'&' if query else '?'}annee=2025"))
        assert with_period == plain, query
