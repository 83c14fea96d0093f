"""pcontract.toml and --select/--ignore: found by walking up, the command line wins,
--strict applies last, a bad file is a located usage error, and every way of
checking (one process, workers, the cache) reports the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pcontract.checking.checker import Options, check_paths
from pcontract.checking.config import ConfigError, find_file, load, resolve, split_codes
from pcontract.problems import Problem, Severity
from pcontract.render.rule_pages import examples
from pcontract.rules.registry import RULES
from tests.conftest import TESTS, run

# A contract whose only problem is a target below its baseline (PC401).
BELOW_BASELINE = examples(RULES["PC401"]).failing[0][1]
VALID = examples(RULES["PC401"]).passing[0][1]
# One error (PC201: the weights make 90) and one warning (PC401).
TWO_PROBLEMS = BELOW_BASELINE.replace(
    "weight: 100\n    indicators", "weight: 90\n    indicators"
).replace("weight: 100\n        kind", "weight: 90\n        kind")


@pytest.fixture
def repo(in_tmp: Path) -> Path:
    """A repository root (it has .git) holding contract.yaml."""
    (in_tmp / ".git").mkdir()
    (in_tmp / "contract.yaml").write_text(BELOW_BASELINE, encoding="utf-8")
    return in_tmp


def write_config(folder: Path, text: str) -> Path:
    path = folder / "pcontract.toml"
    path.write_text(text, encoding="utf-8")
    return path


def codes(*args: str) -> tuple[int, str]:
    return run("validate", "--no-cache", "--format", "json", *args)


# -- the acceptance of issue 14 ---------------------------------------------------


def test_ignoring_pc401_in_the_file_passes_strict_and_select_brings_it_back(repo: Path) -> None:
    code, out = run("validate", "--no-cache", "--strict", "contract.yaml")
    assert code == 1 and "PC401" in out
    write_config(repo, '[rules]\nignore = ["PC401"]\n')
    code, out = run("validate", "--no-cache", "--strict", "contract.yaml")
    assert code == 0, out
    assert "PC401" not in out
    code, out = run("validate", "--no-cache", "--strict", "--select", "PC401", "contract.yaml")
    assert code == 1
    assert "PC401" in out and "error" in out


def test_without_strict_the_warning_passes_and_the_file_hides_it(repo: Path) -> None:
    code, out = run("validate", "--no-cache", "contract.yaml")
    assert code == 0 and "PC401" in out
    write_config(repo, '[rules]\nignore = ["PC4"]\n')
    code, out = run("validate", "--no-cache", "contract.yaml")
    assert code == 0 and "PC401" not in out


# -- finding the file --------------------------------------------------------------


def test_the_file_is_found_in_a_folder_above(repo: Path) -> None:
    config = write_config(repo, "[rules]\n")
    deep = repo / "contracts" / "health"
    deep.mkdir(parents=True)
    assert find_file(deep) == config.resolve()
    assert find_file(repo) == config.resolve()


def test_the_walk_stops_at_the_repository_root(tmp_path: Path) -> None:
    write_config(tmp_path, '[rules]\nignore = ["PC401"]\n')
    inner = tmp_path / "repo"
    (inner / ".git").mkdir(parents=True)
    (inner / "sub").mkdir()
    assert find_file(inner / "sub") is None  # the file above the repository is not read
    assert find_file(tmp_path) == (tmp_path / "pcontract.toml").resolve()


def test_no_file_and_no_options_is_no_configuration(repo: Path) -> None:
    assert resolve() is None


def test_the_file_in_a_folder_above_applies_when_validating_from_below(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(repo, '[rules]\nignore = ["PC401"]\n')
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    code, out = codes("--strict", "../contract.yaml")
    assert code == 0, out


# -- what is reported ---------------------------------------------------------------


def _report(text: str, config: str | None, tmp_path: Path, **cli: list[str]) -> list[Problem]:
    (tmp_path / "contract.yaml").write_text(text, encoding="utf-8")
    path = write_config(tmp_path, config) if config is not None else None
    rules = resolve(cli.get("select"), cli.get("ignore"), path, discover=False)
    return check_paths([str(tmp_path / "contract.yaml")], Options(rules=rules)).problems


def test_every_rule_is_reported_by_default(tmp_path: Path) -> None:
    found = _report(TWO_PROBLEMS, None, tmp_path)
    assert [(p.code, p.severity) for p in found] == [
        ("PC201", Severity.ERROR),
        ("PC401", Severity.WARNING),
    ]


@pytest.mark.parametrize(
    ("config", "cli", "expected"),
    [
        ('[rules]\nselect = ["PC4"]\n', {}, [("PC401", "warning")]),
        ('[rules]\nselect = ["PC2", "PC401"]\nignore = ["PC201"]\n', {}, [("PC401", "warning")]),
        (
            '[rules]\nseverity = { PC201 = "warning" }\n',
            {},
            [("PC201", "warning"), ("PC401", "warning")],
        ),
        ('[rules]\nseverity = { PC401 = "error" }\n', {}, [("PC201", "error"), ("PC401", "error")]),
        ('[rules]\nseverity = { PC401 = "off" }\n', {}, [("PC201", "error")]),
        # The command line wins: its select replaces the file's choice.
        ('[rules]\nignore = ["PC401"]\n', {"select": ["PC401"]}, [("PC401", "warning")]),
        ('[rules]\nselect = ["PC401"]\n', {"select": ["PC201"]}, [("PC201", "error")]),
        # Its ignore takes rules out of the file's choice.
        ('[rules]\nselect = ["PC2", "PC4"]\n', {"ignore": ["PC201"]}, [("PC401", "warning")]),
        # A rule the file turns off stays off, whatever is selected.
        ('[rules]\nseverity = { PC401 = "off" }\n', {"select": ["PC401"]}, []),
        (None, {"ignore": ["PC201", "PC401"]}, []),
        (None, {"select": ["pc2"]}, [("PC201", "error")]),
    ],
)
def test_selection_and_severity(
    config: str | None, cli: dict[str, list[str]], expected: list[tuple[str, str]], tmp_path: Path
) -> None:
    found = _report(TWO_PROBLEMS, config, tmp_path, **cli)
    assert [(p.code, p.severity.value) for p in found] == expected


def test_strict_applies_after_the_configuration(repo: Path) -> None:
    write_config(repo, '[rules]\nseverity = { PC401 = "warning", PC201 = "warning" }\n')
    (repo / "contract.yaml").write_text(TWO_PROBLEMS, encoding="utf-8")
    code, out = run("validate", "--no-cache", "contract.yaml")
    assert code == 0, out  # PC201 is only a warning here
    code, out = run("validate", "--no-cache", "--strict", "contract.yaml")
    assert code == 1  # and --strict makes it an error again
    assert "PC201" in out and "PC401" in out


def test_select_and_ignore_are_repeatable_and_comma_separated(repo: Path) -> None:
    (repo / "contract.yaml").write_text(TWO_PROBLEMS, encoding="utf-8")
    code, out = run("validate", "--no-cache", "--ignore", "PC201,PC401", "contract.yaml")
    assert code == 0 and "PC201" not in out and "PC401" not in out
    code, out = run(
        "validate", "--no-cache", "--ignore", "PC201", "--ignore", "PC401", "contract.yaml"
    )
    assert code == 0 and "PC2" not in out
    assert split_codes(["PC201, PC4", "PC3"]) == ("PC201", "PC4", "PC3")
    assert split_codes(None) is None


def test_load_and_schema_problems_are_always_reported(tmp_path: Path) -> None:
    broken = VALID.replace("target: 50", "target: 50\n        target: 45")
    found = _report(broken, '[rules]\nselect = ["PC4"]\n', tmp_path)
    assert [p.code for p in found] == ["PC002"]


# -- a bad configuration is a located usage error -----------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[rules]\nselect = ["PC401"\n', "pcontract.toml:2:18: not valid TOML: Unclosed array"),
        ("[rules]\nignore = 'PC401\n", "pcontract.toml:2:16: not valid TOML: "),
        (
            '[rules]\nignore = ["PC401", "PC999"]\n',
            "pcontract.toml:2:20: unknown rule code 'PC999'",
        ),
        (
            '# ignore = ["PC9"]\n[rules]\nignore = [\n  "PC9",\n]\n',
            "pcontract.toml:4:3: unknown rule code 'PC9'",
        ),
        ('[rules]\nselect = ["PCX"]\n', "pcontract.toml:2:11: unknown rule code 'PCX' in select"),
        ('[rules]\nselect = "PC401"\n', "pcontract.toml:2:1: [rules] select must be a list"),
        ("[rules]\nignore = [401]\n", "pcontract.toml:2:1: [rules] ignore must be a list"),
        ("[rulez]\n", "pcontract.toml:1:2: unknown section or key 'rulez'"),
        ('[rules]\nselct = ["PC401"]\n', "pcontract.toml:2:1: unknown key 'selct' in [rules]"),
        ('[rules]\nseverity = ["PC401"]\n', "pcontract.toml:2:1: [rules] severity must be a table"),
        (
            '[rules]\nseverity = { PC401 = "info" }\n',
            "pcontract.toml:2:14: severity of PC401 must be",
        ),
        (
            '[rules]\nseverity = { PC499 = "off" }\n',
            "pcontract.toml:2:14: unknown rule code 'PC499'",
        ),
        ('[rules]\nignore = ["PC001"]\n', "pcontract.toml:2:11: PC001 cannot be turned off"),
        ('[rules]\n\nseverity = { PC101 = "warning" }\n', "pcontract.toml:3:14: PC101's severity"),
    ],
)
def test_a_bad_file_is_a_located_usage_error(repo: Path, text: str, message: str) -> None:
    write_config(repo, text)
    code, out = run("validate", "--no-cache", "contract.yaml")
    assert code == 2
    assert f"pcontract: error: {message}" in out
    with pytest.raises(ConfigError):
        load(repo / "pcontract.toml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--select", "PC999"), "unknown rule code 'PC999' in --select"),
        (("--ignore", "PC401,nope"), "unknown rule code 'nope' in --ignore"),
        (("--ignore", "PC006"), "PC006 cannot be turned off in --ignore"),
    ],
)
def test_a_bad_code_on_the_command_line_is_a_usage_error(
    repo: Path, args: tuple[str, ...], message: str
) -> None:
    code, out = run("validate", "--no-cache", *args, "contract.yaml")
    assert code == 2
    assert f"pcontract: error: {message}" in out


# -- one process, workers and the cache report the same -----------------------------

CONFIG = '[rules]\nignore = ["PC3"]\nseverity = { PC201 = "warning", PC401 = "off" }\n'


def test_jobs_and_the_cache_report_the_same_under_a_configuration(
    in_tmp: Path,
) -> None:
    shutil.copytree(TESTS / "cases", in_tmp / "cases", symlinks=True)
    rules = resolve(config_file=write_config(in_tmp, CONFIG))
    assert rules is not None

    def problems(**options: object) -> list[Problem]:
        return check_paths(["cases"], Options(rules=rules, **options)).problems  # type: ignore[arg-type]

    alone = problems(jobs=1)
    found = {p.code for p in alone}
    assert "PC201" in found and not found & {"PC301", "PC303", "PC401"}
    assert all(not p.is_error for p in alone if p.code == "PC201")
    cache = in_tmp / "cache"
    assert problems(jobs=2) == alone
    assert problems(jobs=2, cache_dir=cache) == alone  # cold
    assert problems(jobs=1, cache_dir=cache) == alone  # warm


def test_the_cache_does_not_keep_an_old_configuration(repo: Path) -> None:
    (repo / "contract.yaml").write_text(TWO_PROBLEMS, encoding="utf-8")
    cache = ("--cache-dir", str(repo / "cache"))
    code, out = run("validate", *cache, "contract.yaml")
    assert code == 1 and "PC201" in out and "PC401" in out
    write_config(repo, '[rules]\nignore = ["PC201"]\n')
    code, out = run("validate", *cache, "contract.yaml")
    assert code == 0 and "PC201" not in out and "PC401" in out
    (repo / "pcontract.toml").unlink()
    code, out = run("validate", *cache, "contract.yaml")
    assert code == 1 and "PC201" in out
