"""A small formula evaluator: arithmetic, comparisons, cell and range references, and a few
functions (SUM, AVERAGE, MIN, MAX, COUNT, COUNTA, IF, ROUND, ABS, CONCATENATE).

Anything else evaluates to ``#NAME?``; division by zero to ``#DIV/0!``; text in arithmetic to
``#VALUE!``, the error values Sheets renders.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorValue:
    """A Sheets error value such as ``#DIV/0!``."""

    text: str
    kind: str
    message: str


DIV0 = ErrorValue("#DIV/0!", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
NAME = ErrorValue("#NAME?", "NAME", "Unknown function.")
VALUE = ErrorValue("#VALUE!", "VALUE", "Function expects number values.")
REF = ErrorValue("#REF!", "REF", "Reference does not exist.")
ERROR = ErrorValue("#ERROR!", "ERROR", "Formula parse error.")

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)"
    r"|(?P<str>\"(?:[^\"]|\"\")*\")"
    r"|(?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_ ]*)!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
    r"|(?P<op><>|<=|>=|[-+*/^&(),;:<>=%]))"
)

# (sheet title or None, r0, r1, c0, c1) -> row-major values
Resolver = Callable[[str | None, int, int, int, int], list[list[Any]]]


class _Fail(Exception):
    def __init__(self, error: ErrorValue) -> None:
        super().__init__(error.text)
        self.error = error


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise _Fail(ERROR)
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind).strip()))
        pos = match.end()
    return out


def _ref_bounds(ref: str) -> tuple[str | None, int, int, int, int]:
    from sandbox.google.a1 import column_index

    sheet = None
    if "!" in ref:
        sheet, _, ref = ref.rpartition("!")
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
    parts = ref.replace("$", "").split(":")
    cells = []
    for part in parts:
        match = re.match(r"([A-Za-z]+)(\d+)", part)
        assert match
        cells.append((int(match[2]) - 1, column_index(match[1])))
    rows = [c[0] for c in cells]
    cols = [c[1] for c in cells]
    return sheet, min(rows), max(rows) + 1, min(cols), max(cols) + 1


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], resolve: Resolver) -> None:
        self.tokens = tokens
        self.i = 0
        self.resolve = resolve

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise _Fail(ERROR)
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        if self.take() != ("op", op):
            raise _Fail(ERROR)

    def expression(self) -> Any:
        left = self.concat()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in {"=", "<>", "<", ">", "<=", ">="}:
            self.take()
            right = self.concat()
            left = _compare(tok[1], left, right)
        return left

    def concat(self) -> Any:
        left = self.additive()
        while self.peek() == ("op", "&"):
            self.take()
            left = _text(left) + _text(self.additive())
        return left

    def additive(self) -> Any:
        left = self.term()
        while (tok := self.peek()) and tok in {("op", "+"), ("op", "-")}:
            self.take()
            right = self.term()
            left = _num(left) + _num(right) if tok[1] == "+" else _num(left) - _num(right)
        return left

    def term(self) -> Any:
        left = self.power()
        while (tok := self.peek()) and tok in {("op", "*"), ("op", "/")}:
            self.take()
            right = self.power()
            if tok[1] == "*":
                left = _num(left) * _num(right)
            else:
                divisor = _num(right)
                if divisor == 0:
                    raise _Fail(DIV0)
                left = _num(left) / divisor
        return left

    def power(self) -> Any:
        left = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            left = _num(left) ** _num(self.unary())
        return left

    def unary(self) -> Any:
        tok = self.peek()
        if tok in {("op", "-"), ("op", "+")}:
            self.take()
            value = _num(self.unary())
            return -value if tok == ("op", "-") else value
        value = self.primary()
        if self.peek() == ("op", "%"):
            self.take()
            value = _num(value) / 100
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            sheet, r0, r1, c0, c1 = _ref_bounds(text)
            values = self.resolve(sheet, r0, r1, c0, c1)
            if r1 - r0 == 1 and c1 - c0 == 1:
                return values[0][0]
            return _Range(values)
        if kind == "name":
            upper = text.upper()
            if upper in {"TRUE", "FALSE"} and self.peek() != ("op", "("):
                return upper == "TRUE"
            self.expect("(")
            args: list[Any] = []
            if self.peek() != ("op", ")"):
                args.append(self.expression())
                while self.peek() in {("op", ","), ("op", ";")}:
                    self.take()
                    args.append(self.expression())
            self.expect(")")
            return _call(upper, args)
        if (kind, text) == ("op", "("):
            value = self.expression()
            self.expect(")")
            return value
        raise _Fail(ERROR)


class _Range:
    def __init__(self, values: list[list[Any]]) -> None:
        self.values = values

    def flat(self) -> list[Any]:
        return [v for row in self.values for v in row]


def _num(value: Any) -> float:
    if isinstance(value, ErrorValue):
        raise _Fail(value)
    if isinstance(value, _Range):
        raise _Fail(VALUE)
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError:
        raise _Fail(VALUE) from None


def _text(value: Any) -> str:
    if isinstance(value, ErrorValue):
        raise _Fail(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, ErrorValue):
        raise _Fail(left)
    if isinstance(right, ErrorValue):
        raise _Fail(right)
    if isinstance(left, str) or isinstance(right, str):
        a, b = _text(left).lower(), _text(right).lower()
    else:
        a, b = _num(left), _num(right)  # type: ignore[assignment]
    return {
        "=": a == b,
        "<>": a != b,
        "<": a < b,
        ">": a > b,
        "<=": a <= b,
        ">=": a >= b,
    }[op]


def _numbers(args: list[Any]) -> list[float]:
    out: list[float] = []
    for arg in args:
        items = arg.flat() if isinstance(arg, _Range) else [arg]
        for item in items:
            if isinstance(item, ErrorValue):
                raise _Fail(item)
            if isinstance(item, bool) and isinstance(arg, _Range):
                continue
            if isinstance(item, (int, float)):
                out.append(float(item))
            elif not isinstance(arg, _Range) and item not in (None, ""):
                out.append(_num(item))
    return out


def _call(name: str, args: list[Any]) -> Any:
    if name == "SUM":
        return float(sum(_numbers(args)))
    if name == "AVERAGE":
        values = _numbers(args)
        if not values:
            raise _Fail(DIV0)
        return sum(values) / len(values)
    if name in {"MIN", "MAX"}:
        values = _numbers(args)
        return (min if name == "MIN" else max)(values) if values else 0.0
    if name == "COUNT":
        return float(len(_numbers(args)))
    if name == "COUNTA":
        items = [i for a in args for i in (a.flat() if isinstance(a, _Range) else [a])]
        return float(sum(1 for i in items if i not in (None, "")))
    if name == "IF":
        if len(args) < 2:
            raise _Fail(ERROR)
        cond = args[0]
        truthy = bool(_num(cond)) if not isinstance(cond, bool) else cond
        return args[1] if truthy else (args[2] if len(args) > 2 else False)
    if name == "ROUND":
        digits = int(_num(args[1])) if len(args) > 1 else 0
        return float(round(_num(args[0]), digits))
    if name == "ABS":
        return abs(_num(args[0]))
    if name in {"CONCATENATE", "CONCAT"}:
        return "".join(_text(a) for a in args)
    raise _Fail(NAME)


def evaluate(formula: str, resolve: Resolver) -> Any:
    """The value of ``formula`` (with its leading ``=``), or an :class:`ErrorValue`."""
    try:
        parser = _Parser(_tokens(formula[1:]), resolve)
        value = parser.expression()
        if parser.peek() is not None:
            return ERROR
        if isinstance(value, _Range):
            return value.values[0][0] if value.values and value.values[0] else None
        if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
            return float(value)
        return value
    except _Fail as fail:
        return fail.error
    except (RecursionError, OverflowError, ZeroDivisionError):
        return ERROR
