"""The fuller HTML card without a browser: criteria values, the verification and
moderation record, the signatories, the logo (and its refusal), the running head
of the printed page, and no rank box on a standalone card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pcontract.cli.app import app
from pcontract.render import card_extras, reports
from pcontract.render.sandbox import TemplateError
from pcontract.scoring import evaluation
from tests.conftest import EXAMPLES

MOINA = EXAMPLES / "moina" / "contract.yaml"
MOINA_ANNUAL = EXAMPLES / "moina" / "results-fy2024-25.yaml"
BOMET = EXAMPLES / "bomet" / "county-health-2023-24.yaml"
BOMET_ANNUAL = EXAMPLES / "bomet" / "results-2023-24.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def moina_view(template_folder: str | None = None) -> dict[str, object]:
    inputs = evaluation.load_card(str(MOINA), str(MOINA_ANNUAL))
    return reports.card_view(inputs, template_folder=template_folder)


def html_card(*extra: str, contract: Path = MOINA, results: Path = MOINA_ANNUAL) -> str:
    result = CliRunner().invoke(
        app, ["report", str(contract), "-r", str(results), "-f", "html", *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


def detail_row(html: str, ident: str) -> str:
    match = re.search(rf'<tr class="detail" data-detail="{ident}">(.*?)</tr>', html, re.S)
    assert match is not None, ident
    return re.sub(r"\s+", " ", match[1])


# ---------------------------------------------------------------------------
# Criteria values


def test_criteria_values_are_the_contracts_own_else_the_guidelines_defaults() -> None:
    inputs = evaluation.load_card(str(MOINA), str(MOINA_ANNUAL))
    criteria = reports.card_view(inputs)["criteria"]
    assert isinstance(criteria, dict)
    # CM01 gives excellent and poor itself.
    assert criteria["CM01"] == [
        {"name": "Excellent", "value": "2,600,000"},
        {"name": "Target", "value": "2,300,000"},
        {"name": "Poor", "value": "1,600,000"},
    ]
    # CM02 gives none: the guidelines' 1.2 and 0.6 times its target of 850,000.
    cm02 = inputs.contract.indicator("CM02")
    assert cm02 is not None and cm02.criteria_values == {}
    assert criteria["CM02"] == [
        {"name": "Excellent", "value": "1,020,000"},
        {"name": "Target", "value": "850,000"},
        {"name": "Poor", "value": "510,000"},
    ]
    # A milestone's criteria values are dates.
    assert [p["value"] for p in criteria["CM04"]] == [
        "2025-01-31",
        "2025-02-28",
        "2025-03-31",
        "2025-05-15",
        "2025-06-30",
    ]
    # A binary indicator: done and not done, with the guidelines' scores 3 and 5.
    assert criteria["CC02"] == [
        {"name": "Done", "value": "scores 3.00"},
        {"name": "Not done", "value": "scores 5.00"},
    ]


def test_the_criteria_scale_names_the_score_of_each_value() -> None:
    scale = moina_view()["criteria_scale"]
    assert scale == [
        {"name": "Excellent", "score": "1.00"},
        {"name": "Very good", "score": "2.00"},
        {"name": "Target", "score": "3.00"},
        {"name": "Fair", "score": "4.00"},
        {"name": "Poor", "score": "5.00"},
    ]


def test_criteria_values_print_in_a_full_width_row_under_their_indicator() -> None:
    html = html_card()
    row = detail_row(html, "CM02")
    assert "Criteria values: Excellent 1,020,000 · Target 850,000 · Poor 510,000" in re.sub(
        r"<[^>]+>", "", row
    )
    assert '<td colspan="10">' in row  # 8 columns and the two baseline years
    # Verification and moderation sit there too, not in the Actual cell.
    assert "9000 passports in the register were reprints of spoilt books" in row
    actual = re.search(
        r'data-indicator="CM02".*?<td class="num" data-label="Actual">(.*?)</td>', html, re.S
    )
    assert actual is not None
    assert actual[1] == '862,000<span class="sub">moderated</span>'


# ---------------------------------------------------------------------------
# Verification and moderation


def test_the_verification_block_says_who_when_and_how() -> None:
    record = moina_view()["assurance"]
    assert isinstance(record, dict)
    rows = record["rows"]
    first, second = rows[0], rows[1]
    assert first == {
        "id": "CM02",
        "name": "Passports issued",
        "step": "Verified",
        "by": "Independent verification team",
        "date": "2025-08-20",
        "method": "document review",
        "reported": "880,000",
        "figure": "871,000",
        "reason": "9000 passports in the register were reprints of spoilt books",
    }
    assert (second["step"], second["by"], second["date"], second["figure"]) == (
        "Moderated",
        "Evaluation panel",
        "2025-09-15",
        "862,000",
    )
    assert record["by"] == ["Evaluation panel", "Independent verification team"]
    assert record["verified"] == sum(1 for r in rows if r["step"] == "Verified") > 0
    html = html_card()
    block = html[html.index('id="assurance-h"') : html.index('id="signatures-h"')]
    assert '<td data-label="Date">2025-08-20</td>' in block
    assert '<td data-label="How">document review</td>' in block


# ---------------------------------------------------------------------------
# Signatures


def test_the_signature_block_names_both_parties() -> None:
    assert moina_view()["signatures"] == [
        {"role": "Principal", "title": "President", "name": "William Ruto"},
        {"role": "Agent", "title": "Cabinet Secretary", "name": "Kithure Kindiki"},
    ]
    html = html_card()
    block = html[html.index('id="signatures-h"') :]
    assert '<p class="sign-who"><strong>William Ruto</strong><br>President</p>' in block
    assert block.count('<p class="sign-line">Date</p>') == 2
    assert "which is signed" in block
    # Bomet's agent has a title and no name.
    bomet = html_card(contract=BOMET, results=BOMET_ANNUAL)
    assert (
        '<p class="sign-who"><strong>—</strong><br>County Executive Committee Member, '
        "Health Services</p>" in bomet
    )


# ---------------------------------------------------------------------------
# Rank box, running head, landscape


def test_a_standalone_card_has_no_rank_box_and_a_site_card_has_one(tmp_path: Path) -> None:
    html = html_card()
    assert "Rank in category" not in html and "not ranked" not in html
    assert '<div class="headline no-rank">' in html
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["site", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "cards" / "moina-2024-25.html").read_text(encoding="utf-8")
    assert '<div class="headline">' in page and "Rank in category" in page


def test_the_running_head_is_an_escaped_css_string() -> None:
    assert card_extras.css_string('a"b</style>\\ c') == ("a\\22 b\\3c \\2f style\\3e \\5c \\20 c")
    html = html_card()
    head = re.search(r'@page \{ @top-left \{ content: "([^"]*)"; \}', html)
    assert head is not None
    assert head[1].startswith("Ministry\\20 of\\20 Interior")
    assert 'content: "Page " counter(page) " of " counter(pages);' in html


def test_a_wide_indicators_table_prints_landscape() -> None:
    assert not card_extras.is_wide(["2022/2023", "2023/2024"], 22)
    assert card_extras.is_wide(["2021/2022", "2022/2023", "2023/2024"], 22)
    assert card_extras.is_wide([], 41)
    assert moina_view()["wide"] is False
    assert 'class="indicators"' in html_card()


# ---------------------------------------------------------------------------
# The logo


def test_a_png_logo_is_embedded(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG_SIGNATURE + b"rest of a png")
    html = html_card("--template", str(tmp_path))
    src = re.search(r'<img class="logo" src="([^"]+)" alt="([^"]+)">', html)
    assert src is not None
    assert src[1].startswith("data:image/png;base64,iVBORw0KGg")
    assert src[2] == "Logo of Ministry of Interior and National Administration"
    assert "<img" not in html_card()  # no folder, no logo


def test_a_jpeg_logo_is_embedded(tmp_path: Path) -> None:
    (tmp_path / "logo.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    logo = moina_view(str(tmp_path))["logo"]
    assert isinstance(logo, dict)
    assert logo["src"].startswith("data:image/jpeg;base64,/9j/")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.png", b"<svg onload=alert(1)>", "is not a PNG image"),
        ("logo.jpg", PNG_SIGNATURE, "is not a JPEG image"),
        ("logo.png", PNG_SIGNATURE + b"\0" * (256 * 1024), "over the limit of 262,144"),
    ],
)
def test_a_logo_that_is_not_an_image_or_too_big_is_refused(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(TemplateError, match=message):
        moina_view(str(tmp_path))
    result = CliRunner().invoke(
        app,
        ["report", str(MOINA), "-r", str(MOINA_ANNUAL), "-f", "html", "--template", str(tmp_path)],
    )
    assert result.exit_code != 0
    assert name in result.output


def test_a_logo_at_the_size_limit_is_accepted(tmp_path: Path) -> None:
    data = PNG_SIGNATURE + b"\0" * (card_extras.LOGO_MAX_BYTES - len(PNG_SIGNATURE))
    (tmp_path / "logo.png").write_bytes(data)
    assert moina_view(str(tmp_path))["logo"] is not None


# ---------------------------------------------------------------------------
# Escaping, and the wording keys the card takes when the view has them


def test_a_hostile_institution_name_stays_inside_the_running_head(tmp_path: Path) -> None:
    contract = tmp_path / "contract.yaml"
    text = MOINA.read_text(encoding="utf-8")
    hostile = 'name: "Ministry</style><script>alert(1)</script> \\" }"'
    text = text.replace("name: Ministry of Interior and National Administration", hostile, 1)
    contract.write_text(text.replace("../guidelines/", f"{EXAMPLES}/guidelines/"), encoding="utf-8")
    html = html_card(contract=contract)
    assert "<script>" not in html
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 2  # the stylesheet and the running head: neither ended early
    assert "Ministry\\3c \\2f style\\3e \\3c script\\3e alert" in styles[1]


def test_the_card_takes_the_wording_keys_when_the_view_has_them() -> None:
    view = dict(moina_view())
    view |= {
        "summary": "Very Good — 2.8522, better than the 3.00 target.",
        "composite_verdict": "better than the 3.00 target",
        "grade_meaning": "Targets met on the whole",
        "grade_tone": "good",
        "action_tone": "bad",
    }
    indicators = view["groups"]
    assert isinstance(indicators, list)
    first = indicators[0]["rows"][0]
    indicators[0]["rows"][0] = {
        **first,
        "verdict": "5% better",
        "outcome": "better",
        "direction": "lower is better",
    }
    html = reports.Templates().render("card.html", view)
    assert '<p class="summary-line">Very Good — 2.8522, better than the 3.00 target.</p>' in html
    assert "better than the 3.00 target; lower is better" in html
    assert '<span class="stat-note">Targets met on the whole</span>' in html
    assert '<div class="stat grade tone-good">' in html
    assert '<p class="action tone-bad">' in html
    row = re.search(r'<tr class="indicator[^"]*" data-indicator="CM01"[^>]*>(.*?)</tr>', html, re.S)
    assert row is not None and 'data-outcome="better"' in row[0]
    assert '<span class="direction">lower is better</span>' in row[1]
    assert '<span class="verdict outcome-better">5% better</span>' in row[1]


def test_the_grade_and_the_action_share_a_tone() -> None:
    html = html_card()
    assert '<div class="stat grade tone-good">' in html
    assert '<p class="action tone-good">' in html
    assert '<p class="summary-line">Very Good — 2.8522, better than the 3.00 target.' in html
    # A decrease indicator says that lower is better.
    row = re.search(r'data-indicator="CM05".*?</th>', html, re.S)
    assert row is not None and "lower is better" in row[0]


def test_the_card_names_the_institution_category_as_the_guidelines_do() -> None:
    html = html_card()
    assert "<dt>Institution category</dt><dd>Ministries</dd>" in html
    assert moina_view()["contract"]["category_id"] == "ministry"  # type: ignore[index]
