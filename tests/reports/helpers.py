"""Reading the reports' workbooks back (openpyxl), for the tests."""

import io

from openpyxl import load_workbook

# Each sheet opens with the office's heading (two lines) and the table's title.
HEADING_ROWS = 3


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content), read_only=True)


def sheet_values(response, index: int = 0) -> list[list]:
    book = workbook(response)
    sheet = book.worksheets[index]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def table(response, index: int = 0) -> tuple[list, list[list]]:
    """(header row, body rows) of a sheet: the rows after the header up to the first empty one
    (a table's footer row of totals, if it has one, is the last of them)."""
    rows = sheet_values(response, index)
    headers = rows[HEADING_ROWS]
    body = []
    for row in rows[HEADING_ROWS + 1 :]:
        if not row or all(v is None for v in row):
            break
        body.append(row)
    return headers, body
