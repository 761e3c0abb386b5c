"""Page links of a list paged by hand: what the pager templates read."""


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill at `per_page` a page (at least one, even empty)."""
    return max(1, -(-total // per_page))


class PageLinks:
    """Mixed into a page dataclass holding `page` and `pages`: previous and next page numbers."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        """Whether a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a next page exists."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The previous page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The next page's number."""
        return self.page + 1
