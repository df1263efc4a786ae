"""What an app contributes to a deputy's performance archive (履职档案).

An app registers ``func(deputy, year) -> ArchiveSection | None`` with
``core.registry.archive_sections``; the archive page, its print view and its Excel
export show every section the same way: figures first, then tables. Cells are plain
values (text, numbers, dates), escaped on the page and written literally in Excel.
"""

from dataclasses import dataclass, field


@dataclass
class ArchiveTable:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    # Shown instead of an empty table.
    empty: str = ""

    @property
    def labelled_rows(self) -> list[list[tuple[str, object]]]:
        """Each cell with its column's header, for tables that stack into cards on a phone."""
        return [list(zip(self.headers, cells, strict=False)) for cells in self.rows]


@dataclass
class ArchiveSection:
    key: str
    title: str
    figures: list[tuple[str, int]] = field(default_factory=list)
    tables: list[ArchiveTable] = field(default_factory=list)
