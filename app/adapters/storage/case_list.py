"""The case list's SQL for :class:`~app.adapters.storage.cases.SqlCaseRepository`: its filters,
its order, and how PostgreSQL is asked for a page.

At 200,000 cases (bench/cases.py) PostgreSQL's planner needed help with a text search (250–500 ms
a page and as long again to count; the other filters took 20–80 ms):

- The text test is ``lower(column) LIKE …``, the form pg_trgm's index serves (see pg_contains).
- The planner weighs a text as if its cases were spread evenly over the list's order. When they
  are not (an id's month, "C202503", read newest first), its walk of the order's index read
  150,000 rows (300 ms). So a text's page is first sought in the first ``WALK_PER_ROW`` rows of
  its order per row of the page, each tested (a page is there when one case in 100 holds the
  text: a few ms); else its cases are looked up by the index and sorted, the order hidden from
  the planner (``column + 0``) so that it cannot walk it again.
- Empty values sort last both ways, and a b-tree read backwards puts them first: a descending
  page by a column that may be empty (deadline, last change, grid, department) matched no index
  and sorted every case it found (60–90 ms with no filter). Its first rows are those with a
  value, an index read backwards: such a page is sought there first too.

Other pages are the planner's own choice (a filter's index, or a walk of the order's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    String,
    and_,
    bindparam,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
)

from app.adapters.storage.schema import cases
from app.core.case_ports import CaseQuery, SortKey
from app.core.cases import WORKING

# SQLite's trigram index of the searchable text (migration 0003): a text shorter than a trigram
# cannot be looked up there and is found by LIKE alone, a scan of every case.
CASES_TEXT = table("cases_text", column("id"))
TRIGRAM = 3
NOT_NULL = frozenset({"created_at", "state", "category_code"})  # sorts that need no NULLS LAST
# Rows of its order a PostgreSQL page tests, per row it shows, before it looks its filters up
# instead: a page is found in order when one case in 100 matches (the first page: 10,000 rows, at
# most ~15 ms of text tests).
WALK_PER_ROW = 100


def filters(
    query: CaseQuery,
    text_index: bool = False,
    *,
    sqlite_text: bool = False,
    plain: bool = False,
    source: Any = cases,
    trigrams: bool = True,
) -> list[ColumnElement[bool]]:
    """``text_index``: SQLite's ``cases_text`` (migration 0003) exists. ``sqlite_text``: SQLite's
    own LIKE (its case folding is ASCII's, as its lower() is). ``plain``: the filter columns hide
    their indexes from SQLite's planner, so that the list walks its sort order's index (see
    SqlCaseRepository.search). ``source``: ``cases`` or a subquery of its columns.
    ``trigrams``: PostgreSQL's text test in the form its trigram index serves (see pg_contains)."""
    c = source.c
    col = _plain if plain else (lambda x: x)
    where: list[ColumnElement[bool]] = []
    if query.states is not None:
        where.append(col(c.state).in_(sorted(s.value for s in query.states)))
    if query.category_codes is not None:
        codes = sorted(query.category_codes)
        where.append(or_(*(_prefix(col(c.category_code), x) for x in codes)) if codes else false())
    if query.grid_prefix:
        where.append(_prefix(col(c.grid_code), query.grid_prefix))
    if query.department_ids is not None:
        where.append(col(c.department_id).in_(sorted(query.department_ids)))
    if query.sources is not None:
        where.append(col(c.source).in_(sorted(s.value for s in query.sources)))
    if query.overdue_at is not None:
        where.append(c.state.in_([s.value for s in WORKING]))
        where.append(c.due_at < query.overdue_at)
    if query.created_from is not None:
        where.append(c.created_at >= query.created_from)
    if query.created_to is not None:
        where.append(c.created_at < query.created_to)
    if query.text:
        text = query.text
        columns = (c.id, c.address, c.description, c.note)
        if text_index and len(text) >= TRIGRAM:
            where.append(c.id.in_(select(CASES_TEXT.c.id).where(matches(text))))
        if not sqlite_text:
            where.append(pg_contains(columns, text, trigrams=trigrams))
        elif any(ch.isascii() and ch.isalpha() for ch in text):
            where.append(or_(*(x.contains(text, autoescape=True) for x in columns)))  # LIKE folds ASCII
        else:  # nothing to fold (Chinese, digits): instr, a plain substring test, is quicker
            where.append(or_(*(func.instr(x, text) > 0 for x in columns)))
    return where


def order(
    source: Any, query: CaseQuery, *, nulls_last: bool = True, hidden: bool = False
) -> list[ColumnElement[Any]]:
    """The list's order over ``source`` (``cases`` or a subquery): by ``query.sort`` (empty values
    last unless not ``nulls_last``), then by id in the same direction (by state: then by the time
    made, then by id, as the state's index holds them). ``hidden``: the first key as an
    expression of the same value, which PostgreSQL finds in no index (so it sorts what the
    filters found)."""
    c = source.c
    keys = [c[query.sort.value], *([c.created_at] if query.sort is SortKey.STATE else []), c.id]
    ordered: list[ColumnElement[Any]] = []
    for n, key in enumerate(keys):
        if n == 0 and hidden:
            key = (
                key + literal_column("0") if isinstance(key.type, Float) else key.concat(literal_column("''"))
            )
        by = key.desc() if query.descending else key.asc()
        ordered.append(by.nulls_last() if n == 0 and nulls_last and query.sort.value not in NOT_NULL else by)
    return ordered


def pg_page_ids(conn: Connection, query: CaseQuery) -> list[str]:
    """The ids of PostgreSQL's page of ``query`` (see the module's notes)."""
    key = cases.c[query.sort.value]
    split = query.descending and query.sort.value not in NOT_NULL  # no index holds DESC NULLS LAST
    if not (query.text or split):  # the planner's own choice: a filter's index, or the order's
        return _ids(conn, select(cases.c.id).where(*filters(query)).order_by(*order(cases, query)), query)
    # The first rows of the order (when split: of those with a value, which come first), each
    # tested: a page found there is the whole order's.
    head = select(cases).where(key.is_not(None)) if split else select(cases)
    head_order = order(cases, query, nulls_last=not split)  # as the sort's index holds it
    rows = head.order_by(*head_order).limit(WALK_PER_ROW * (query.offset + query.limit)).subquery()
    walk = select(rows.c.id).where(*filters(query, source=rows, trigrams=False))
    found = _ids(conn, walk.order_by(*order(rows, query, nulls_last=not split)), query)
    if len(found) == query.limit:
        return found
    # Few cases match there: the planner's choice, except for a text the trigram index serves: its
    # cases are looked up and sorted (the order hidden: the planner's guess that a walk of the
    # order finds them soon is what failed). One or two characters have no index to look up, and
    # a walk that stops at the page is no dearer than a scan of every case.
    hidden = len(query.text or "") >= TRIGRAM
    page = select(cases.c.id).where(*filters(query)).order_by(*order(cases, query, hidden=hidden))
    return _ids(conn, page, query)


def _ids(conn: Connection, page: Select[Any], query: CaseQuery) -> list[str]:
    return [str(row.id) for row in conn.execute(page.limit(query.limit).offset(query.offset))]


def pg_contains(columns: Sequence[Any], text: str, *, trigrams: bool = True) -> ColumnElement[bool]:
    """PostgreSQL's test that one of ``columns`` holds ``text``, any case. ILIKE in a UTF-8
    database is ``lower(column) LIKE lower(pattern)`` and is written so (``trigrams``): pg_trgm's
    index is on ``lower(column)`` (migration 0003) and serves only that form, and the planner
    weighs the test by that index's statistics (as ILIKE, every search scanned every case: 250 ms
    at 200,000 cases, and as long again to count). A text without a letter that has a case
    (Chinese, digits) that the index cannot serve anyway (one or two characters, or a walk of the
    order) is a plain LIKE: the same test at a third of the cost of lower()."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    pattern = bindparam("text_pattern", f"%{escaped}%", type_=String)
    caseless = all(ch.lower() == ch == ch.upper() for ch in text)
    if caseless and not (trigrams and len(text) >= TRIGRAM):
        return or_(*(x.like(pattern, escape="/") for x in columns))
    return or_(*(func.lower(x).like(func.lower(pattern), escape="/") for x in columns))


def matches(text: str) -> ColumnElement[bool]:
    """The FTS5 phrase of ``text``: its trigrams in a row, in any column, case folded (more than
    LIKE's ASCII folding: the LIKE beside it decides)."""
    phrase = '"' + text.replace('"', '""') + '"'
    return literal_column("cases_text").op("MATCH")(bindparam("text_phrase", phrase))


def _plain(x: Any) -> Any:
    """``+column``: the same value, which SQLite's planner does not look up by an index."""
    return literal_column(f"+{x.table.name}.{x.name}", type_=x.type)


def _prefix(x: Any, prefix: str) -> ColumnElement[bool]:
    """``x`` starts with ``prefix``: a range an index can serve (codes are digits and letters),
    kept exact by LIKE."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(x >= prefix, x < upper, x.startswith(prefix, autoescape=True))
