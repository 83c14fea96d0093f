"""Writing a site one card at a time.

:func:`pcontract.scoring.cards.plan_site` gives the league rows and one job per
card. Here each card is drawn (in worker processes where there are enough: each
compiles the templates once) and written as it comes, so that no more than a few
cards are held at once; the league pages and the open data follow, index.html last.

A site is incremental. Each card's key hashes everything it is drawn from (its
files' bytes, its rank and links, the templates, pcontract's code); the keys of
the last site written to a folder are kept in the cache, with each card's size
and modification time. A card whose key and file are unchanged is neither drawn
nor written; one drawn but identical to the file there is not written either, so
its bytes and modification time stay.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcontract.checking.checker import Options
from pcontract.render.reports import (
    CARD_TEMPLATES,
    INDEX_TEMPLATE,
    Templates,
    card_href,
    card_view,
    default_template_dir,
    league_file_name,
    site_years,
)
from pcontract.scoring.cards import CardJob, SitePlan, card_inputs

if TYPE_CHECKING:
    from pcontract.checking.cache import Cache

# Below this many cards to draw, worker processes cost more than they save.
PARALLEL_MIN = 16
MANIFEST_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Drawn:
    """A card as drawn: its bytes."""

    path: str
    data: bytes


def templates_key(folder: str | None) -> str:
    """A hash of every template a site is drawn with: the shipped ones and those
    of ``folder``."""
    digest = hashlib.sha256()
    for root in (default_template_dir(), *([Path(folder)] if folder else [])):
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


_TEMPLATES: dict[str | None, Templates] = {}


def _templates(folder: str | None) -> Templates:
    """The templates of this process: compiled once, then reused for every card."""
    if folder not in _TEMPLATES:
        _TEMPLATES[folder] = Templates(folder)
    return _TEMPLATES[folder]


def draw(item: tuple[CardJob, str, str | None, str | None, Options]) -> Drawn:
    """One card, drawn from its job (in a worker process)."""
    job, back, generated, folder, options = item
    templates = _templates(folder)
    view = card_view(card_inputs(job, options), generated, back, templates.folder)
    text = templates.render(CARD_TEMPLATES["html"], view)
    return Drawn(card_href(job.contract_id), text.encode("utf-8"))


def _draw_all(
    items: list[tuple[CardJob, str, str | None, str | None, Options]], jobs: int
) -> Iterator[Drawn]:
    if jobs <= 1 or len(items) < PARALLEL_MIN:
        yield from map(draw, items)
        return
    from pcontract.checking import workers

    with workers.pool(jobs) as pool:
        # map keeps the order and runs a bounded way ahead of the writes.
        yield from pool.map(draw, items, chunksize=max(1, min(16, len(items) // (jobs * 8))))


def _stat(path: Path) -> list[int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if os.lstat(path).st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def _check_targets(paths: list[Path], force: bool, root: Path, inputs: list[Any]) -> None:
    from pcontract.files import writer

    protected = writer.Inputs(inputs)
    writer._refuse_targets(paths, root)
    writer._refuse_existing(paths, force, protected)
    writer.remove_stale_temporaries(paths)


def _write_checked(path: Path, data: bytes, force: bool, root: Path, inputs: list[Any]) -> None:
    from pcontract.errors import PcontractError, WriteRefused
    from pcontract.files import writer

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not writer.inside(root, path):
            raise WriteRefused(f"refusing to write outside {root}: {path}")
        writer._write_atomic(path, data, overwrite=force, inputs=writer.Inputs(inputs))
    except OSError as error:
        raise PcontractError(f"cannot write {path}: {error.strerror or error}") from error


class SiteWriter:
    """Writes one site's files, each checked before anything is written."""

    def __init__(
        self, root: Path, paths: Sequence[str], force: bool, inputs: Sequence[Any]
    ) -> None:
        self.root, self.force = root, force
        self.inputs = list(inputs)
        _check_targets([root / p for p in paths], force, root, self.inputs)
        self.written: list[Path] = []
        self.kept = 0

    def write(self, relative: str, data: bytes) -> None:
        """Write ``data`` unless the file there holds exactly it."""
        path = self.root / relative
        if _same_bytes(path, data):
            self.kept += 1
            return
        _write_checked(path, data, self.force, self.root, self.inputs)
        self.written.append(path)


def _manifest_key(store: Cache, root: Path) -> str:
    return store.key(os.path.realpath(root).encode(), b"\0site")


def _previous(store: Cache, key: str) -> dict[str, Any]:
    import json

    entry = store.get_many([key]).get(key)
    if entry is None:
        return {}
    try:
        value = json.loads(entry)
        if value.get("format") == MANIFEST_FORMAT and isinstance(value.get("cards"), dict):
            cards: dict[str, Any] = value["cards"]
            return cards
    except (ValueError, AttributeError):
        pass
    return {}


def write_site(
    plan: SitePlan,
    root: Path,
    *,
    templates: Templates,
    generated: str | None,
    force: bool,
    inputs: Sequence[Any],
    options: Options,
    data: Sequence[tuple[str, bytes]] = (),
) -> SiteWriter:
    """Write the site of ``plan`` into ``root``: the cards, then ``data`` (the
    open data), then a league page per year, index.html last."""
    from pcontract.checking.cache import Cache, salt_for
    from pcontract.render.league import index_view

    years = site_years(plan) or [""]
    pages = {year: league_file_name(year, i == 0) for i, year in enumerate(years)}
    cards = [card_href(job.contract_id) for job in plan.jobs]
    writer = SiteWriter(root, [*cards, *(name for name, _ in data), *pages.values()], force, inputs)
    salt = salt_for(options.limits) if options.cache_dir is not None else None
    store = Cache(options.cache_dir or Path(), salt)
    try:
        manifest_key = _manifest_key(store, root)
        before = _previous(store, manifest_key) if salt is not None else {}
        shared = templates_key(templates.folder) + "\0" + (generated or "")
        after: dict[str, Any] = {}
        todo: list[tuple[CardJob, str, str | None, str | None, Options]] = []
        keys: dict[str, str] = {}
        for job, relative in zip(plan.jobs, cards, strict=True):
            back = f"../{pages[job.rank.financial_year]}"
            key = hashlib.sha256(f"{job.key}\0{shared}\0{back}".encode()).hexdigest()
            keys[relative] = key
            held = before.get(relative)
            if held is not None and held[0] == key and held[1:] == _stat(root / relative):
                after[relative] = held
                writer.kept += 1
                continue
            todo.append((job, back, generated, templates.folder, options))
        for drawn in _draw_all(todo, options.jobs):
            writer.write(drawn.path, drawn.data)
            after[drawn.path] = [keys[drawn.path], *(_stat(root / drawn.path) or [])]
        for name, content in data:
            writer.write(name, content)
        # The older years' pages, then the latest year's index.html last.
        for year in reversed(years):
            view = index_view(plan, generated, year or None)
            writer.write(pages[year], templates.render(INDEX_TEMPLATE, view).encode("utf-8"))
        if salt is not None:
            store.put(manifest_key, {"format": MANIFEST_FORMAT, "cards": after})
    finally:
        store.close()
    return writer
