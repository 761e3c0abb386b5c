"""The distance chart (pure SVG): valid XML, accessible, labels and numbers, escaped text."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from app.charts.distance import ChartRow, fr_number, render_distance_chart, signed

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [ChartRow("Mobilité", 1, 3), ChartRow("Numérique", 2, 2), ChartRow("Santé et bien-être",
                                                                             3, 2),
        ChartRow("Logement et situation familiale", 2, None)]


def render(rows=ROWS, **kwargs) -> str:
    """The chart with test labels."""
    options = {"title": "Distance parcourue depuis la grille d'entrée",
               "baseline_label": "d'entrée (03/03/2025)",
               "latest_label": "intermédiaire (01/09/2025)",
               "summary": "Moyenne sur 3 dimensions : 2 puis 2,33, soit +0,33."} | kwargs
    return render_distance_chart(rows, **options)


def texts(root) -> list[str]:
    """Every <text> content of the chart."""
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_the_chart_is_valid_accessible_svg():
    root = ET.fromstring(render())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.get("id") == title_id and desc.get("id") == desc_id
    assert title.text == "Distance parcourue depuis la grille d'entrée"
    assert "échelle de 1 à 4" in desc.text and "soit +0,33" in desc.text
    assert "style" not in render()  # the CSP blocks inline style attributes


def test_labels_scores_and_changes_are_written():
    found = texts(ET.fromstring(render()))
    for label in ("Mobilité", "Numérique", "Santé et bien-être"):
        assert label in found
    assert found.count("+2") == 1  # Mobilité 1 → 3
    assert "0" in found            # Numérique unchanged
    assert "\u22121" in found      # Santé 3 → 2, with a real minus sign
    assert "n.c." in found         # Logement scored only at entry
    assert "non évalué" in found
    assert {"1", "2", "3", "4"} <= set(found)  # the scale and the scores


def test_two_bars_per_comparable_dimension():
    root = ET.fromstring(render())
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert len(bars) == 7  # 3 dimensions × 2 bars + 1 bar for the entry-only one
    tooltips = ["".join(bar.find(f"{SVG}title").itertext()) for bar in bars]
    assert "Mobilité : 1 (grille d'entrée (03/03/2025))" in tooltips
    assert "Mobilité : 3 (grille intermédiaire (01/09/2025))" in tooltips
    widths = {t: float(b.get("width")) for t, b in zip(tooltips, bars, strict=True)}
    assert widths["Mobilité : 3 (grille intermédiaire (01/09/2025))"] == \
        3 * widths["Mobilité : 1 (grille d'entrée (03/03/2025))"]


def test_hostile_labels_are_escaped():
    hostile = '<script>alert("x")</script> & \'quote\' \x00\x07'
    svg = render([ChartRow(hostile, 1, 2)], title='Titre <b>"gras"</b>',
                 baseline_label="<img src=x>", latest_label="&amp;")
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)  # still well-formed, control characters dropped
    group = root.find(f"{SVG}g")
    assert group.find(f"{SVG}title").text == '<script>alert("x")</script> & \'quote\' '
    assert any(t.startswith('<script>alert("x")</script>') for t in texts(root))
    assert "\x00" not in svg and "\x07" not in svg
    assert root.find(f"{SVG}title").text == 'Titre <b>"gras"</b>'
    assert "<img src=x>" in root.find(f"{SVG}desc").text


def test_long_labels_are_shortened_with_the_full_label_kept_as_a_tooltip():
    label = "Logement, situation familiale et garde des enfants en horaires décalés"
    root = ET.fromstring(render([ChartRow(label, 2, 3)]))
    assert any(t.endswith("…") and label.startswith(t[:-1]) for t in texts(root))
    group_titles = ["".join(g.find(f"{SVG}title").itertext()) for g in root.iter(f"{SVG}g")]
    assert label in group_titles


def test_no_rows_no_chart():
    assert render([]) == ""


def test_french_numbers():
    assert fr_number(Decimal("2.13")) == "2,13"
    assert fr_number(None) == "—"
    assert signed(Decimal("0.62")) == "+0,62"
    assert signed(Decimal("-0.25")) == "\u22120,25"
    assert signed(0) == "0" and signed(Decimal("0.00")) == "0"
    assert signed(2) == "+2" and signed(None) == "—"
