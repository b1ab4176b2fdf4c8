"""Pages of longer lists: the items shown, the total and where the page is."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

# How far the long lists count their total: beyond it they show "1.000+" (counting the
# twenty thousand rows of a province's dashboard took longer than the page itself).
COUNT_CAP = 1000


@dataclass
class Page:
    """One page of a longer list: its items, the total count and where it is.

    `capped`: more than `total` items match (the count stopped there, see `COUNT_CAP`);
    the pages go on past `pages`.
    """

    items: list
    total: int
    page: int
    per_page: int
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or self.capped


def offset(page: int, per_page: int) -> int:
    """The number of rows before `page` (pages count from 1; lower numbers mean 1)."""
    return (max(page, 1) - 1) * per_page


def count_cap(page: int, per_page: int | None) -> int | None:
    """How far to count a list shown from `page` on: `COUNT_CAP`, or to the end of the
    page after it when that is further (None, no cap, for a whole list)."""
    return max(COUNT_CAP, (max(page, 1) + 1) * per_page) if per_page else None


def capped_count(rows, cap: int | None, name: str = "n"):
    """A SELECT of how many rows the SELECT `rows` answers (as column `name`), counting at
    most `cap + 1` of them: more than `cap` means "cap+" (all of them without a cap)."""
    rows = rows if cap is None else rows.limit(cap + 1)
    return select(func.count().label(name)).select_from(rows.subquery())


def capped_page(items: list, counted: int, page: int, per_page: int, cap: int | None) -> Page:
    """The `Page` of `items` with a total counted by `capped_count` up to `cap`."""
    if cap is not None and counted > cap:
        return Page(items, cap, page, per_page, capped=True)
    return Page(items, counted, page, per_page)


def window_total(session, rows: list, page: int, per_page: int | None, counted) -> int:
    """The total of a page read with `count(*) OVER ()` as its column `total`: from its
    first row; past the last page, where there is no row, counted by `counted` (a
    SELECT of the number); 0 for an empty first page or whole list."""
    if rows:
        return rows[0].total
    return session.scalar(counted) if per_page and page > 1 else 0


LOAD_CHUNK = 1000  # ids per statement: SQLite takes at most 32,766 parameters


def by_id(session, entity, ids, *options) -> dict:
    """The `entity` instances of `ids` loaded with `options`, by id: one statement per
    `LOAD_CHUNK` ids (a page is one; a whole list for an export may take several), none
    for no ids."""
    ordered, found = sorted(set(ids)), {}
    for start in range(0, len(ordered), LOAD_CHUNK):
        chunk = ordered[start:start + LOAD_CHUNK]
        found.update((x.id, x) for x in session.scalars(select(entity).where(entity.id.in_(chunk))
                                                        .options(*options)).unique())
    return found
