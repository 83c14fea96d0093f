"""Report cards and the static site: content, escaping, templates and golden files.

The golden files under ``tests/golden/`` are the Markdown and HTML cards of the
Moina example (annual results), compared byte for byte. After a deliberate change
to the cards or the templates, regenerate them and read the diff before committing:

    PCONTRACT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reports_test.py
"""

from __future__ import annotations

import os
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pcontract.cli.app import app
from pcontract.model import Guidelines
from pcontract.render import reports
from pcontract.scoring import evaluation
from tests.conftest import EXAMPLES, TESTS

runner = CliRunner()
GOLDEN = TESTS / "golden"
MOINA = EXAMPLES / "moina" / "contract.yaml"
MOINA_ANNUAL = EXAMPLES / "moina" / "results-fy2024-25.yaml"
MOINA_Q2 = EXAMPLES / "moina" / "results-fy2024-25-q2.yaml"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# src= or href= with a value that names a scheme or starts with //.
OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)""", re.I)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def assert_self_contained(html: str) -> None:
    assert not OUTSIDE.search(html), OUTSIDE.search(html)
    lowered = html.lower()
    for needle in ("<script", "<link", "<iframe", "<object", "@import", "url(http", "url(//"):
        assert needle not in lowered, needle
    # Every url(...) in the CSS or SVG points inside the document.
    assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", html))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A copy of the examples, safe to edit."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture
def hostile(examples: Path) -> Path:
    """The Moina example with HTML and Markdown in an indicator's name and evidence."""
    edit(
        examples / "moina" / "contract.yaml",
        "        name: National identity cards issued\n",
        f'        name: "{SCRIPT} cards | issued **now** [link](http://example.com)"\n',
    )
    edit(
        examples / "moina" / "results-fy2024-25.yaml",
        "evidence: NRB annual statistical report 2024/25; IPRS extract of 30 June 2025}",
        f"evidence: '{IMG}'}}",
    )
    return examples


def card(fmt: str, contract: Path = MOINA, results: Path = MOINA_ANNUAL, *extra: str) -> str:
    code, output = run("report", str(contract), "--results", str(results), "-f", fmt, *extra)
    assert code == 0, output
    return output


# ---------------------------------------------------------------------------
# The report card


def test_html_card_is_one_self_contained_file_with_score_grade_and_chart(in_tmp: Path) -> None:
    code, output = run(
        "report", str(MOINA), "--results", str(MOINA_ANNUAL), "--format", "html", "-o", "card.html"
    )
    assert code == 0, output
    assert sorted(p.name for p in in_tmp.iterdir()) == ["card.html"]
    html = (in_tmp / "card.html").read_text(encoding="utf-8")
    assert_self_contained(html)
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<span class="stat-value">2.8522</span>' in html
    assert '<span class="stat-value">Very Good</span>' in html
    # The gauge: HTML boxes, so that its labels are page text at every width.
    assert '<div class="gauge" id="gauge" role="img"' in html
    assert "@page { size: A4" in html


def test_markdown_card_shows_the_header_summary_and_indicators() -> None:
    text = card("md")
    assert text.startswith(
        "# Report card: Ministry of Interior and National Administration, FY 2024/2025\n"
    )
    # The summary comes first, then the result, each score against the target.
    assert text.index("**Summary.** Very Good — 2.8522, better than the 3.00 target.") < text.index(
        "| **Grade** |"
    )
    composite = (
        "| **Composite score** | **2.8522**, better than the 3.00 target (lower is better) |"
    )
    assert composite in text
    assert "| **Grade** | **Very Good**: Met the targets overall |" in text
    assert "| Principal | President, William Ruto |" in text
    assert "| Contract status | signed |" in text
    assert "| Core Mandate | 52.08 (from 50) | 1.4661 | 2.81 |" in text
    # The moderated figure, with who moderated it and why.
    assert "862,000 (moderated from 880,000 by Evaluation panel: 18000 passports" in text
    assert "Rank in category" not in text  # unknown for a single report


def test_gaps_are_ordered_by_cost_to_the_composite() -> None:
    text = card("md")
    gaps = text.split("## Performance gaps", 1)[1].split("\n---\n", 1)[0]
    ids = re.findall(r"^\| (\w+) \|", gaps, re.M)
    assert ids == ["id", "CM04", "CC05", "LC01", "SD01", "SD03", "CC04", "FS01", "CM03", "CM05"]
    assert "| CM04 | " in gaps and "| 28 days late | 3.6222 | 0.0519 |" in gaps
    # (5 - 3) x 2.0833 / 100 = 0.0417
    assert "| not done | 5.0000 | 0.0417 |" in gaps


def test_grade_action_comes_from_the_guidelines() -> None:
    moina = card("md")
    assert "> **Very Good:** Commended; targets met" in moina
    bomet = card(
        "md",
        EXAMPLES / "bomet" / "county-health-2023-24.yaml",
        EXAMPLES / "bomet" / "results-2023-24.yaml",
    )
    assert "**Grade** | **Good**: Fell short of some targets |" in bomet
    assert "> **Good:** Corrective action required" in bomet


def _guidelines(actions: bool) -> Guidelines:
    bands = [
        {"grade": "Excellent", "max": 2.4},
        {"grade": "Very Good", "max": 3.0},
        {"grade": "Good", "max": 3.6},
        {"grade": "Fair", "max": 4.0},
        {"grade": "Poor", "max": 5.0},
    ]
    if actions:
        for band in bands:
            band["action"] = f"do {band['grade']}"
    raw = {"id": "g", "financial_year": "2024/2025", "method": "five-point", "grades": bands}
    return Guidelines.from_raw(raw)


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        ("Excellent", "Recognised for excellence"),
        ("Very Good", ""),
        ("Good", "Corrective action required"),
        ("Fair", "Corrective action required"),
        ("Poor", "Corrective action required"),
    ],
)
def test_default_actions_without_band_action_text(grade: str, expected: str) -> None:
    assert reports._action(grade, _guidelines(actions=False)) == expected
    assert reports._action(grade, _guidelines(actions=True)) == f"do {grade}"


def test_methodology_names_the_guidelines_bands_and_rules() -> None:
    text = card("md")
    method = text.split("**Methodology.**", 1)[1]
    assert "Performance Contracting Guidelines, FY 2024/2025" in method
    assert "kenya-pc-fy2024-25" in method
    assert "rescaled to add up to 100" in method
    assert "no result reported scores 5.00" in method
    assert "| Excellent | 1.00 to 2.40 | Recognised for excellence |" in method
    assert "| Very Good | above 2.40 to 3.00 | Commended; targets met |" in method
    assert "| Poor | above 4.00 to 5.00 |" in method


def test_quarterly_progress_section() -> None:
    text = card("md", MOINA, MOINA_ANNUAL, "--quarterly", str(MOINA_Q2))
    assert "## Quarterly progress: Q2, as of 2024-12-31" in text
    # The statuses follow the projected raw scores (scoring_test and the CLI tests
    # check them): on track CM01 CM02 CM07 FS03 PD02 CC01 CC02; off track FS02; not
    # yet due the binary CC03 and CC05 (due 2025-06-30, not done); CM04 n/a; the
    # other 11 at risk.
    assert "7 on track; 11 at risk; 1 off track; 2 not yet due; 1 not applicable." in text
    assert (
        "| CM01 | National identity cards issued | 1,150,000 | 1,184,000 | 103.0 | on track |"
        in text
    )
    html = card("html", MOINA, MOINA_ANNUAL, "--quarterly", str(MOINA_Q2))
    assert "Quarterly progress: Q2, as of 2024-12-31" in html
    assert "Indicators by status: on track 7, at risk 11, off track 1, not yet due 2" in html
    assert "Quarterly progress" not in card("md")


def test_quarterly_results_are_not_annual_results() -> None:
    code, output = run("report", str(MOINA), "--results", str(MOINA_Q2))
    assert code == 2
    assert "holds Q2 results; --results needs the annual results" in output
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "-q", str(MOINA_ANNUAL))
    assert code == 2
    assert "--quarterly needs a quarter's results" in output


def test_percentage_guidelines_render_their_own_bands() -> None:
    spas = EXAMPLES / "guidelines" / "spas-fy2024-25.yaml"
    text = card("md", MOINA, MOINA_ANNUAL, "--guidelines", str(spas))
    assert "**90.8578**, worse than the 100% target (higher is better)" in text
    assert "**Summary.** Good — 90.8578%, worse than the 100% target." in text
    assert "| Excellent | above 100% | Recognised for excellence |" in text
    assert "| Very Good | 100% | Commended; targets met |" in text
    assert "| Good | 80% to under 100% |" in text
    assert "| Poor | 0% to under 60% |" in text
    assert '<div class="gauge"' in card("html", MOINA, MOINA_ANNUAL, "--guidelines", str(spas))


# ---------------------------------------------------------------------------
# Escaping


def test_html_escapes_names_and_evidence(hostile: Path) -> None:
    moina = hostile / "moina"
    html = card("html", moina / "contract.yaml", moina / "results-fy2024-25.yaml")
    assert SCRIPT not in html
    assert IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; cards | issued **now**" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # Markdown-looking text stays text, and no link appears.
    assert "<strong>now</strong>" not in html
    assert_self_contained(html)


def test_markdown_escapes_names_and_evidence(hostile: Path) -> None:
    moina = hostile / "moina"
    text = card("md", moina / "contract.yaml", moina / "results-fy2024-25.yaml")
    assert "<script" not in text
    assert "<img" not in text
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt; cards \\| issued \\*\\*now\\*\\*" in text
    # The link text stays text, and the URL is no bare autolink either.
    assert "\\[link\\]\\(http:\u200d//example.com\\)" in text
    assert "http://" not in text
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in text
    # The escaped pipe does not add a column to the indicator table: 12 columns
    # (10, and the baselines of 2022/2023 and 2023/2024), 13 bars.
    row = next(line for line in text.splitlines() if line.startswith("| CM01 |"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 13


def test_markdown_finalize_escapes_every_value() -> None:
    env_text = reports.md_escape("a | <b> *c*")
    assert env_text == "a \\| &lt;b&gt; \\*c\\*"
    assert reports.md_escape(env_text) is env_text  # escaping twice changes nothing
    assert reports.md_escape(None) == ""


# ---------------------------------------------------------------------------
# Output files


def test_report_writes_to_stdout_without_o(in_tmp: Path) -> None:
    assert card("md").startswith("# Report card:")
    assert list(in_tmp.iterdir()) == []


def test_format_follows_the_output_suffix(in_tmp: Path) -> None:
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "-o", "card.html")
    assert code == 0, output
    assert (in_tmp / "card.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "-o", "card.md")
    assert code == 0, output
    assert (in_tmp / "card.md").read_text(encoding="utf-8").startswith("# Report card:")


def test_report_refuses_to_overwrite_without_force(in_tmp: Path) -> None:
    (in_tmp / "card.md").write_text("mine\n", encoding="utf-8")
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "-o", "card.md")
    assert code == 1
    assert "use --force to overwrite" in output
    assert (in_tmp / "card.md").read_text(encoding="utf-8") == "mine\n"
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "-o", "card.md", "--force")
    assert code == 0, output
    assert (in_tmp / "card.md").read_text(encoding="utf-8").startswith("# Report card:")


def test_report_refuses_to_write_through_a_symlink(in_tmp: Path) -> None:
    (in_tmp / "elsewhere.md").write_text("keep\n", encoding="utf-8")
    (in_tmp / "card.md").symlink_to(in_tmp / "elsewhere.md")
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "-o", "card.md", "--force")
    assert code == 1
    assert "symbolic link" in output
    assert (in_tmp / "elsewhere.md").read_text(encoding="utf-8") == "keep\n"


def test_invalid_input_is_reported_not_rendered(examples: Path) -> None:
    contract = examples / "moina" / "contract.yaml"
    edit(contract, "        weight: 10\n", "        weight: 15\n")
    code, output = run(
        "report", str(contract), "-r", str(examples / "moina" / "results-fy2024-25.yaml")
    )
    assert code == 1
    assert "indicator weights add up to 105, not 100" in output


def test_timestamp_only_when_asked() -> None:
    assert "Made with pcontract." in card("md")
    stamped = card("md", MOINA, MOINA_ANNUAL, "--timestamp")
    assert re.search(r"Made with pcontract on \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", stamped)


# ---------------------------------------------------------------------------
# The site


def _example_contract_ids() -> set[str]:
    """The ids of the Contract documents under examples/, read from the files."""
    ids = set()
    for path in EXAMPLES.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^kind: Contract$", text, re.M):
            match = re.search(r"^id: (\S+)$", text, re.M)
            assert match is not None, path
            ids.add(match.group(1))
    return ids


def test_site_writes_league_tables_and_a_card_for_each(tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = run("site", str(EXAMPLES), "-o", str(out))
    assert code == 0, output
    contracts = _example_contract_ids()
    # 15 institutions over two years, less Bomet's and Moina's years kept apart, and
    # three departments and three officers: 36 contracts, a card each, two pages and
    # the three files of open data.
    assert len(contracts) == 36
    assert f"wrote {len(contracts) + 5} files" in output
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    data = ["data/league.csv", "data/league.json", "data/pcontract.sqlite"]
    assert names == sorted(
        [f"cards/{contract}.html" for contract in contracts]
        + ["index.html", "league-2023-24.html", *data]
    )
    # One league page per financial year: index.html is the latest (2024/2025),
    # league-2023-24.html the year before; each links to the other.
    index = (out / "index.html").read_text(encoding="utf-8")
    older = (out / "league-2023-24.html").read_text(encoding="utf-8")
    for page in (index, older):
        assert_self_contained(page)
    office = "Performance Management and Coordination Office, State Department for Public Service"
    # The 2024/2025 page ranks the officers too, under the SPAS guidelines of the Public
    # Service Commission: both offices are named.
    both = f"{office}; Public Service Commission"
    assert f'<h1>League tables, FY 2024/2025<span class="office"> — {both}</span></h1>' in index
    assert f'<h1>League tables, FY 2023/2024<span class="office"> — {office}</span></h1>' in older
    assert '<a href="league-2023-24.html">2023/2024</a>' in index
    assert '<a href="index.html">2024/2025</a>' in older
    assert "Ministry of Interior and National Administration</a>" in index
    # Each year's page holds that year's contracts alone.
    assert 'href="cards/bomet-health-2024-25.html"' in index
    assert 'href="cards/bomet-health-2023-24.html"' not in index
    assert 'href="cards/bomet-health-2023-24.html"' in older
    assert 'href="cards/moina-2024-25.html"' not in older
    assert "County Government of Bomet — Department of Health Services</a>" in older
    assert '<span class="composite">2.8522</span> <span class="grade-text lv1">Very Good' in index
    assert '<span class="composite">3.0562</span> <span class="grade-text lv2">Good' in older
    assert '<span class="composite">3.0562</span>' not in index
    assert 'href="cards/moina-2024-25.html"' in index
    # The grade distribution is each year's own: 15 institutions in 2023/2024, and in
    # 2024/2025 those 15 with the Ministry of Interior's 3 departments and 3 officers.
    assert "21 institutions by grade, worse to better: Poor 2, Fair 3, Good 4," in index
    assert "15 institutions by grade, worse to better:" in older
    for name, back, rank in (
        ("moina-2024-25", "index.html", "2 <small>of 4</small>"),
        ("bomet-health-2023-24", "league-2023-24.html", "3 <small>of 4</small>"),
        ("moina-2024-25-ics-nrb", "index.html", "3 <small>of 3</small>"),
    ):
        page = (out / "cards" / f"{name}.html").read_text(encoding="utf-8")
        assert_self_contained(page)
        assert f'href="../{back}"' in page
        assert f'<span class="stat-value">{rank}</span>' in page
    # Every link in the site leads to a file in the site, or to a place in its page.
    for html_file in out.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]+)"', text):
            if href.startswith("#"):
                assert f'id="{href[1:]}"' in text, (html_file, href)
            else:
                assert (html_file.parent / href).resolve().is_file(), (html_file, href)


def test_site_puts_a_contract_without_results_last_with_its_flag(
    examples: Path, tmp_path: Path
) -> None:
    bomet = examples / "bomet"
    other = bomet / "other-health-2023-24.yaml"
    shutil.copy(bomet / "county-health-2023-24.yaml", other)
    edit(other, "id: bomet-health-2023-24", "id: other-health-2023-24")
    edit(other, "name: County Government of Bomet", "name: County Government of Other")
    out = tmp_path / "site"
    code, output = run("site", str(examples), "-o", str(out))
    assert code == 0, output
    index = (out / "league-2023-24.html").read_text(encoding="utf-8")
    county = index.split('<h2 id="category-county-h">County Governments', 1)[1]
    county = county.split("<h2 ", 1)[0]
    # Kisumu, the last of the four counties that reported, comes before Other.
    assert county.index("kisumu-health-2023-24") < county.index("other-health-2023-24")
    assert '<span class="flag">no results submitted</span>' in county
    page = (out / "cards" / "other-health-2023-24.html").read_text(encoding="utf-8")
    assert "No results submitted" in page
    assert '<span class="stat-value">5 <small>of 5</small></span>' in page


def test_site_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run("site", str(EXAMPLES), "-o", str(out))[0] == 0
    code, output = run("site", str(EXAMPLES), "-o", str(out))
    assert code == 1
    assert "use --force to overwrite" in output
    assert "open " not in output
    # The README's main command runs again as it is: --force writes over the site.
    code, output = run("site", str(EXAMPLES), "-o", str(out), "--force")
    assert code == 0, output
    assert output.endswith(
        f"pcontract: open {out / 'index.html'} in a browser"
        " (it works from file://, no server needed)\n"
    )


def test_site_refuses_a_symlinked_cards_folder_out_of_the_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    outside = tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "cards").symlink_to(outside)
    code, output = run("site", str(EXAMPLES), "-o", str(out))
    assert code == 1
    assert "refusing to write outside" in output
    assert list(outside.iterdir()) == []


# ---------------------------------------------------------------------------
# Determinism and golden files


def test_rendering_twice_gives_identical_bytes(tmp_path: Path) -> None:
    for fmt in ("md", "html"):
        assert card(fmt).encode() == card(fmt).encode()
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("site", str(EXAMPLES), "-o", str(first))[0] == 0
    assert run("site", str(EXAMPLES), "-o", str(second))[0] == 0
    for page in first.rglob("*.html"):
        assert page.read_bytes() == (second / page.relative_to(first)).read_bytes()


STYLE = re.compile(r"<style>.*?</style>\n", re.S)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden_card(fmt: str) -> None:
    """Byte for byte, but without the HTML's style elements: a change of CSS alone
    does not regenerate the golden file."""
    inputs = evaluation.load_card(str(MOINA), str(MOINA_ANNUAL))
    text = reports.render_card(inputs, fmt)
    if fmt == "html":
        assert "<style>" in text
        text = STYLE.sub("", text)
    data = text.encode("utf-8")
    golden = GOLDEN / f"moina-card.{fmt}"
    if os.environ.get("PCONTRACT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(data)
    assert golden.is_file(), "run with PCONTRACT_UPDATE_GOLDEN=1 to create it"
    assert data == golden.read_bytes(), "see the module docstring to regenerate"


# ---------------------------------------------------------------------------
# Templates


def test_a_user_template_overrides_one_file(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "_style.css").write_text("/* Bomet County brand */ body { color: #123456; }\n")
    html = card("html", MOINA, MOINA_ANNUAL, "--template", str(brand))
    assert "/* Bomet County brand */" in html
    assert "--lv0:" not in html  # the default stylesheet is replaced...
    assert '<table id="indicators"' in html  # ...and the default card is still used


def test_a_user_markdown_template_escapes_by_default(hostile: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "card.md").write_text(
        "{% for i in indicators %}{{ i.name }}; {{ i.evidence }}\n{% endfor %}"
    )
    moina = hostile / "moina"
    text = card(
        "md", moina / "contract.yaml", moina / "results-fy2024-25.yaml", "--template", str(mine)
    )
    first = text.splitlines()[0]
    assert first.startswith("&lt;script&gt;alert\\(1\\)&lt;/script&gt; cards \\| issued")
    assert first.endswith("; &lt;img src=x onerror=alert\\(1\\)&gt;")


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ contract.__class__ }}{{ ''.__class__.__mro__ }}",
        "{{ 'x' * 100000000 }}",
        "{{ categories.append(1) }}",
    ],
)
def test_a_malicious_template_is_refused_with_a_clear_error(tmp_path: Path, source: str) -> None:
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "card.md").write_text(source)
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "--template", str(evil))
    assert code == 1, output
    assert "pcontract: error: template card.md:1: refused by the sandbox" in output
    assert "Traceback" not in output


def test_a_broken_template_names_the_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "card.md").write_text("fine\n{% for x in %}\n")
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "--template", str(broken))
    assert code == 1
    assert "card.md:2:" in output
    assert "Traceback" not in output


def test_a_template_linked_from_outside_the_folder_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "leak.txt").symlink_to(secret)
    (mine / "card.md").write_text('{% include "leak.txt" %}\n')
    code, output = run("report", str(MOINA), "-r", str(MOINA_ANNUAL), "--template", str(mine))
    assert code == 1
    assert "TOP SECRET" not in output
    # Named, not skipped: the link is an error rather than a silent fall-back.
    assert f"template leak.txt: {mine / 'leak.txt'} is a link that leads out of" in output


def test_template_folder_must_exist(tmp_path: Path) -> None:
    code, output = run(
        "report", str(MOINA), "-r", str(MOINA_ANNUAL), "--template", str(tmp_path / "nope")
    )
    assert code == 2
    assert "--template: not a folder" in output


def test_default_templates_are_found() -> None:
    folder = reports.default_template_dir()
    names = ("card.html", "card.md", "index.html", "_style.css", "_charts.html")
    for name in (*names, "_league.css", "_league_charts.html"):
        assert (folder / name).is_file(), name


def test_chart_positions_put_the_best_score_at_one() -> None:
    inputs = evaluation.load_card(str(MOINA), str(MOINA_ANNUAL))
    view = reports.card_view(inputs)
    gauge = view["gauge"]
    assert [s["grade"] for s in gauge["segments"]] == [
        "Excellent",
        "Very Good",
        "Good",
        "Fair",
        "Poor",
    ]
    assert gauge["segments"][0]["end"] == 1.0
    assert gauge["segments"][-1]["start"] == 0.0
    assert gauge["target"] == 0.5
    # (5 - 2.8522) / 4
    assert abs(gauge["marker"] - float(Fraction(50000 - 28522, 40000))) < 1e-4
