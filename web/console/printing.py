"""Printing as kubectl prints: a Table as aligned text, objects as YAML, JSON or `kind/name`.

kubectl lays out tables with Go's text/tabwriter: each cell ends with a tab, each column is
as wide as its widest cell plus padding (never under a minimum), and the last cell of a line
is not padded. `get` uses padding 3 and minimum width 6 (hence `NAME   READY   STATUS`);
`describe` uses padding 2 and no minimum. Alignment holds within a block of consecutive lines
that have that column, which is why `describe`'s sections line up separately.
"""

import json
from typing import Any

import yaml

from cluster.kinds import Kind
from cluster.objects import Obj

GET_MIN_WIDTH, GET_PADDING = 6, 3
DESCRIBE_MIN_WIDTH, DESCRIBE_PADDING = 0, 2


def tabwrite(text: str, *, minwidth: int = GET_MIN_WIDTH, padding: int = GET_PADDING) -> str:
    """Go's tabwriter over `text` (cells separated by tabs, lines by newlines)."""
    lines = [line.split("\t") for line in text.split("\n")]
    widths: list[list[int]] = [[0] * (len(cells) - 1) for cells in lines]
    _align(lines, widths, 0, len(lines), 0, minwidth, padding)
    return "\n".join("".join(cell.ljust(width) for cell, width in zip(cells, row, strict=False)) + cells[-1]
                     for cells, row in zip(lines, widths, strict=True))


def _align(lines: list[list[str]], widths: list[list[int]], first: int, last: int, column: int,
           minwidth: int, padding: int) -> None:
    """Give column `column` of each block of consecutive lines having it one width, then recurse."""
    line = first
    while line < last:
        if column >= len(lines[line]) - 1:
            line += 1
            continue
        end = line
        while end < last and column < len(lines[end]) - 1:
            end += 1
        width = max([minwidth, *(len(lines[i][column]) + padding for i in range(line, end))])
        for i in range(line, end):
            widths[i][column] = width
        _align(lines, widths, line, end, column + 1, minwidth, padding)
        line = end


def table_text(table: dict[str, Any], *, wide: bool = False, namespace_column: bool = False,
               show_labels: bool = False, prefix: str = "", headers: bool = True) -> str:
    """A `meta.k8s.io/v1` Table as `kubectl get` prints it (without the trailing newline)."""
    shown = [i for i, column in enumerate(table["columnDefinitions"]) if wide or column.get("priority", 0) == 0]
    names = [table["columnDefinitions"][i]["name"].upper() for i in shown]
    lines = [(["NAMESPACE"] if namespace_column else []) + names + (["LABELS"] if show_labels else [])]
    for row in table["rows"]:
        metadata = (row.get("object") or {}).get("metadata") or {}
        cells = [_cell(row["cells"][i]) for i in shown]
        if prefix:
            cells[0] = f"{prefix}/{cells[0]}"
        lines.append(([metadata.get("namespace", "")] if namespace_column else []) + cells
                     + ([labels_text(metadata.get("labels"))] if show_labels else []))
    return tabwrite("\n".join("\t".join(line) for line in (lines if headers else lines[1:])))


def _cell(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def labels_text(labels: dict[str, str] | None) -> str:
    return ",".join(f"{key}={value}" for key, value in sorted((labels or {}).items())) or "<none>"


def as_list(items: list[Obj]) -> Obj:
    """What kubectl prints for several objects with -o yaml/json."""
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def yaml_text(obj: Any) -> str:
    return yaml.safe_dump(obj, sort_keys=True, default_flow_style=False, allow_unicode=True, width=1 << 16)


def json_text(obj: Any) -> str:
    return json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)


def name_text(kind: Kind, obj: Obj, qualified: str) -> str:
    return f"{qualified}/{obj['metadata']['name']}"
