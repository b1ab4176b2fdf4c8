"""Pages of longer lists: the items shown, the total and where the page is."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    """One page of a longer list: its items, the total count and where it is."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def offset(page: int, per_page: int) -> int:
    """The number of rows before `page` (pages count from 1; lower numbers mean 1)."""
    return (max(page, 1) - 1) * per_page
