"""Read an inventory CSV as Excel writes it: detect the encoding, map headers, keep line numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from camera_config import csv_columns as cols
from camera_config.issues import ConfigError, ConfigIssue


class Text:
    """Every message of this module, in one place for translation."""

    UNREADABLE = "cannot read the file: {reason}"
    ENCODING = "not UTF-8 or GB18030/GBK text; save it from Excel as 'CSV UTF-8'"
    EMPTY = "the file has no header row"
    NO_ROWS = "the file has a header but no camera rows"
    MISSING_COLUMN = "required column is missing; name it one of: {names}"
    NO_SOURCE_COLUMN = "needs a stream column: {main} (RTSP URL) or {onvif} (ONVIF device URL)"
    SAME_COLUMN = "means the same as column {other!r}; keep only one"
    IGNORED_COLUMN = "column ignored: not a known field"
    TOO_MANY_CELLS = "the row has {got} cells but the header has {want}; quote values that contain commas"


@dataclass
class Row:
    line: int  # physical line where the row starts
    cells: dict[str, str]  # canonical column -> stripped cell text
    labels: dict[str, str]  # canonical column -> header as written

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


@dataclass
class Sheet:
    rows: list[Row]  # the non-empty rows that could be read
    warnings: list[ConfigIssue]  # e.g. ignored columns
    errors: list[ConfigIssue]  # rows that could not be read (too many cells): the others still count


def read_rows(path: Path) -> Sheet:
    """The rows of the inventory; :class:`ConfigError` for a file that cannot be read as one
    (encoding, header). A bad row is an error of its own, and every other row is still read."""
    issues: list[ConfigIssue] = []
    errors: list[ConfigIssue] = []
    warnings: list[ConfigIssue] = []
    text = _decode(path)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","  # Excel "Unicode text"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise ConfigError([ConfigIssue(path, None, None, "", Text.EMPTY)])
    header_line = reader.line_num
    columns = _columns(path, header, header_line, issues, warnings)
    labels = {col: header[i].strip() for col, i in columns.items()}
    rows: list[Row] = []
    previous_end = reader.line_num
    for cells in reader:
        line, previous_end = previous_end + 1, reader.line_num  # a quoted cell may span lines
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            message = Text.TOO_MANY_CELLS.format(got=len(cells), want=len(header))
            errors.append(ConfigIssue(path, line, None, "", message))
            continue
        values = {col: cells[i].strip() if i < len(cells) else "" for col, i in columns.items()}
        rows.append(Row(line, values, labels))
    if not rows and not errors and not issues:
        issues.append(ConfigIssue(path, header_line, None, "", Text.NO_ROWS))
    if issues:
        raise ConfigError(issues + errors)
    return Sheet(rows, warnings, errors)


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        issue = ConfigIssue(path, None, None, "", Text.UNREADABLE.format(reason=reason))
        raise ConfigError([issue]) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):  # GB18030 is a superset of GBK and GB2312
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConfigError([ConfigIssue(path, None, None, "", Text.ENCODING)])


def _columns(
    path: Path, header: list[str], line: int, issues: list[ConfigIssue], warnings: list[ConfigIssue]
) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        column = cols.column_for(name)
        if column is None:
            if name.strip():
                warnings.append(ConfigIssue(path, line, None, name.strip(), Text.IGNORED_COLUMN))
        elif column in columns:
            other = header[columns[column]].strip()
            issues.append(ConfigIssue(path, line, None, name.strip(), Text.SAME_COLUMN.format(other=other)))
        else:
            columns[column] = index
    for column in ("id", "name"):
        if column not in columns:
            message = Text.MISSING_COLUMN.format(names=", ".join(cols.ALIASES[column]))
            issues.append(ConfigIssue(path, line, None, column, message))
    if "main_url" not in columns and "onvif" not in columns:
        main, onvif = cols.ALIASES["main_url"][0], cols.ALIASES["onvif"][0]
        message = Text.NO_SOURCE_COLUMN.format(main=main, onvif=onvif)
        issues.append(ConfigIssue(path, line, None, f"{main}/{onvif}", message))
    return columns
