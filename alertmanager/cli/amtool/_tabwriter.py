"""Go's ``text/tabwriter`` as amtool configures it (no minimum width, padding 2, spaces).

Cells end at a tab; the text after a line's last tab is not part of any column. A column's
width is decided per block of consecutive lines that have a cell in that column, as Go does,
so upstream's tables line up byte for byte.
"""

from __future__ import annotations

__all__ = ["tabulate"]


def _format(lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write(lines, widths, line0, this, out)
        line0 = this
        width = 0
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + 2)
            this += 1
        widths.append(width)
        _format(lines, widths, line0, this, out)
        widths.pop()
        line0 = this
    _write(lines, widths, line0, line1, out)


def _write(lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]) -> None:
    for cells in lines[line0:line1]:
        parts: list[str] = []
        for j, cell in enumerate(cells):
            if j < len(widths) and j < len(cells) - 1:
                parts.append(cell.ljust(widths[j]))
            else:
                parts.append(cell)
        out.append("".join(parts) + "\n")


def tabulate(text: str) -> str:
    """Align ``text`` (lines of tab-terminated cells, each line ending in a newline)."""
    if not text:
        return ""
    body = text[:-1] if text.endswith("\n") else text
    lines = [line.split("\t") for line in body.split("\n")]
    out: list[str] = []
    _format(lines, [], 0, len(lines), out)
    result = "".join(out)
    return result if text.endswith("\n") else result[:-1]
