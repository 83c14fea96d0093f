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
its bytes and modification time stay. A league page is kept the same way, keyed
by the templates and everything it shows.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcontract.checking.checker import Options
from pcontract.errors import PcontractError, WriteRefused
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
    from pcontract.opendata.db import ContractRows

# Below this many cards to draw, worker processes cost more than they save.
PARALLEL_MIN = 16
MANIFEST_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Drawn:
    """A card as drawn: its bytes, and what its contract puts in the database."""

    path: str
    data: bytes
    rows: ContractRows


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
    from pcontract.opendata.db import contract_rows

    job, back, generated, folder, options = item
    templates = _templates(folder)
    inputs = card_inputs(job, options)
    view = card_view(inputs, generated, back, templates.folder)
    text = templates.render(CARD_TEMPLATES["html"], view)
    rows = contract_rows(inputs, job.rank.category_name)
    return Drawn(card_href(job.contract_id), text.encode("utf-8"), rows)


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


def _recorded(key: str, path: Path) -> list[Any]:
    """What a site's manifest keeps of a file it drew from ``key``: the key, and
    the file's size and modification time."""
    return [key, *(_stat(path) or [])]


def _as_left(held: object, key: str, path: Path) -> bool:
    """Whether the file at ``path`` is as the last site left it (``held``, from
    its manifest) and was drawn from ``key``."""
    stat = _stat(path)
    return stat is not None and held == [key, *stat]


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if os.lstat(path).st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


class SiteWriter:
    """Writes one site's files, each checked before anything is written."""

    def __init__(
        self, root: Path, paths: Sequence[str], force: bool, inputs: Sequence[Any]
    ) -> None:
        from pcontract.files.writer import Inputs, check_targets

        self.root, self.force = root, force
        self.inputs = Inputs(inputs)
        check_targets([root / p for p in paths], force, root, inputs=self.inputs)
        self.written: list[Path] = []
        self.kept = 0

    def write(self, relative: str, data: bytes) -> None:
        """Write ``data`` unless the file there holds exactly it."""
        path = self.root / relative
        if _same_bytes(path, data):
            self.kept += 1
            return
        from pcontract.files.writer import write_checked

        try:
            write_checked(path, data, self.force, self.root, inputs=self.inputs)
        except PcontractError as error:
            raise self._failed(error) from error
        self.written.append(path)

    def _failed(self, error: PcontractError) -> PcontractError:
        """``error``, saying what this site had written before it."""
        if not self.written or isinstance(error, WriteRefused):
            return error
        shown = ", ".join(str(p) for p in self.written[-3:])
        more = f" and {len(self.written) - 3} more" if len(self.written) > 3 else ""
        return PcontractError(f"{error} (already written: {shown}{more})")

    def build(self, relative: str, build: Callable[[Path], None]) -> None:
        """Write the file ``build`` makes in a temporary beside it."""
        from pcontract.files.writer import build_checked

        path = self.root / relative
        try:
            build_checked(path, build, self.force, self.root, inputs=self.inputs)
        except PcontractError as error:
            raise self._failed(error) from error
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
            found: dict[str, Any] = value
            return found
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
    """Write the site of ``plan`` into ``root``: the cards, with the open data
    database built from them as they come, then ``data`` (the league tables),
    then a league page per year, index.html last."""
    from pcontract.checking.cache import Cache, salt_for
    from pcontract.render.open_data import DB_FILE

    years = site_years(plan) or [""]
    pages = {year: league_file_name(year, i == 0) for i, year in enumerate(years)}
    cards = [card_href(job.contract_id) for job in plan.jobs]
    names = [*cards, DB_FILE, *(name for name, _ in data), *pages.values()]
    writer = SiteWriter(root, names, force, inputs)
    salt = salt_for(options.limits) if options.cache_dir is not None else None
    store = Cache(options.cache_dir or Path(), salt)
    try:
        manifest_key = _manifest_key(store, root)
        before = _previous(store, manifest_key) if salt is not None else {}
        drawn_with = templates_key(templates.folder)  # what every file is drawn with
        after = _Cards(plan, root, pages, templates, drawn_with, generated, options, before)
        ranks = hashlib.sha256(repr(plan.rows).encode()).hexdigest()
        if after.todo or before.get("ranks") != ranks or after.old is None:
            writer.build(DB_FILE, lambda temp: after.write(writer, temp))
        else:  # no card drawn, the same ranks: the database is as it was
            after.keep_all(writer)
        for name, content in data:
            writer.write(name, content)
        shown = _Pages(plan, writer, templates, drawn_with, generated, before.get("pages"))
        for year in reversed(years):  # the latest year's index.html last
            shown.write(pages[year], year)
        if salt is not None:
            value = {
                "format": MANIFEST_FORMAT,
                "cards": after.kept,
                "database": _stat(root / DB_FILE),
                "ranks": ranks,
                "pages": shown.kept,
            }
            store.put(manifest_key, value)
    finally:
        store.close()
    return writer


class _Pages:
    """The league pages, each drawn only when what it shows or the templates have
    changed since the last site, or its file is not as that site left it."""

    def __init__(
        self,
        plan: SitePlan,
        writer: SiteWriter,
        templates: Templates,
        drawn_with: str,
        generated: str | None,
        before: object,
    ) -> None:
        self.plan, self.writer, self.templates, self.generated = plan, writer, templates, generated
        self.before = before if isinstance(before, dict) else {}
        self.drawn_with = drawn_with
        self.kept: dict[str, Any] = {}

    def write(self, relative: str, year: str) -> None:
        from pcontract.render.league import index_view

        view = index_view(self.plan, self.generated, year or None)
        # The view is plain data (text, numbers, lists, mappings), so its repr is
        # all the page is drawn from, with the templates.
        text = f"{self.drawn_with}\0{INDEX_TEMPLATE}\0{view!r}"
        key = hashlib.sha256(text.encode()).hexdigest()
        path = self.writer.root / relative
        held = self.before.get(relative)
        if _as_left(held, key, path):
            self.writer.kept += 1
            self.kept[relative] = held
            return
        self.writer.write(relative, self.templates.render(INDEX_TEMPLATE, view).encode("utf-8"))
        self.kept[relative] = _recorded(key, path)


class _Cards:
    """The cards of a site, drawn or left as they are, and the database of their
    contracts: rows from each card drawn, copied from the earlier database for
    each card left."""

    def __init__(
        self,
        plan: SitePlan,
        root: Path,
        pages: dict[str, str],
        templates: Templates,
        drawn_with: str,
        generated: str | None,
        options: Options,
        before: dict[str, Any],
    ) -> None:
        from pcontract.opendata.db import old_database_usable
        from pcontract.render.open_data import DB_FILE

        self.plan, self.root, self.pages, self.options = plan, root, pages, options
        self.templates, self.generated = templates, generated
        old = root / DB_FILE
        usable = bool(before) and before.get("database") == _stat(old) and old_database_usable(old)
        self.old = old if usable else None
        self.before: dict[str, Any] = before.get("cards", {}) if usable else {}
        self.kept: dict[str, Any] = {}

        self.todo: list[tuple[CardJob, str, str | None, str | None, Options]] = []
        self.order: list[
            tuple[str, tuple[CardJob, str, str | None, str | None, Options], bool]
        ] = []
        self.keys: dict[str, str] = {}
        shared = drawn_with + "\0" + (self.generated or "")
        for job in self.plan.jobs:
            relative = card_href(job.contract_id)
            back = f"../{self.pages[job.rank.financial_year]}"
            key = hashlib.sha256(f"{job.key}\0{shared}\0{back}".encode()).hexdigest()
            self.keys[relative] = key
            item = (job, back, self.generated, self.templates.folder, self.options)
            fresh = not _as_left(self.before.get(relative), key, self.root / relative)
            if fresh:
                self.todo.append(item)
            self.order.append((relative, item, fresh))

    def keep_all(self, writer: SiteWriter) -> None:
        """Every card as it is."""
        for relative, _, _ in self.order:
            self.kept[relative] = self.before[relative]
            writer.kept += 1

    def write(self, writer: SiteWriter, temp: Path) -> None:
        from pcontract.opendata.db import DatabaseWriter

        todo, order, keys = self.todo, self.order, self.keys
        drawn = _draw_all(todo, self.options.jobs)
        with DatabaseWriter(temp, self.old) as database:
            for relative, item, fresh in order:
                if not fresh and database.copy(item[0].contract_id) is not None:
                    self.kept[relative] = self.before[relative]
                    writer.kept += 1
                    continue
                card = next(drawn) if fresh else draw(item)
                writer.write(card.path, card.data)
                database.add(card.rows)
                self.kept[relative] = _recorded(keys[relative], self.root / relative)
            for _ in drawn:  # none is left: this ends the worker processes
                pass
            database.finish(self.plan.rows)
