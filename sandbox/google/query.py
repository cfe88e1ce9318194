"""Drive v3 search queries (the ``q`` parameter): a parser producing a predicate over files.

Supports ``and``/``or``/``not`` and parentheses over: ``'ID' in parents``, ``name = / != /
contains``, ``mimeType = / !=``, ``trashed = true|false``, ``starred``, ``appProperties has {
key='k' and value='v' }`` (and ``properties``), ``modifiedTime``/``createdTime`` comparisons,
``'email' in owners|writers|readers``, ``sharedWithMe``, ``fullText contains``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from sandbox.google.errors import GoogleApiError

if TYPE_CHECKING:
    from sandbox.google.model import DriveFile, Store

Predicate = Callable[["DriveFile", str], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|(?P<op>!=|<=|>=|=|<|>|\(|\)|\{|\})"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"
)


def invalid_query() -> GoogleApiError:
    """Drive's 400 for a query it cannot parse."""
    return GoogleApiError(400, "Invalid Value", api="drive", reason="invalid", location="q")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


class _Parser:
    def __init__(self, text: str, store: Store) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            if not text[pos:].strip():
                break
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                raise invalid_query()
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.i = 0
        self.store = store

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise invalid_query()
        self.i += 1
        return tok

    def word(self, expected: str | None = None) -> str:
        kind, text = self.take()
        if kind != "word" or (expected and text.lower() != expected):
            raise invalid_query()
        return text

    def string(self) -> str:
        kind, text = self.take()
        if kind != "str":
            raise invalid_query()
        return _unquote(text)

    def op(self) -> str:
        kind, text = self.take()
        if kind == "op":
            return text
        if kind == "word" and text.lower() in {"contains", "in", "has"}:
            return text.lower()
        raise invalid_query()

    def parse(self) -> Predicate:
        pred = self.disjunction()
        if self.peek() is not None:
            raise invalid_query()
        return pred

    def disjunction(self) -> Predicate:
        left = self.conjunction()
        while (tok := self.peek()) and tok[0] == "word" and tok[1].lower() == "or":
            self.take()
            right = self.conjunction()
            left = (lambda a, b: lambda f, e: a(f, e) or b(f, e))(left, right)
        return left

    def conjunction(self) -> Predicate:
        left = self.negation()
        while (tok := self.peek()) and tok[0] == "word" and tok[1].lower() == "and":
            self.take()
            right = self.negation()
            left = (lambda a, b: lambda f, e: a(f, e) and b(f, e))(left, right)
        return left

    def negation(self) -> Predicate:
        tok = self.peek()
        if tok and tok[0] == "word" and tok[1].lower() == "not":
            self.take()
            inner = self.negation()
            return lambda f, e: not inner(f, e)
        if tok == ("op", "("):
            self.take()
            inner = self.disjunction()
            if self.take() != ("op", ")"):
                raise invalid_query()
            return inner
        return self.term()

    def term(self) -> Predicate:
        kind, text = self.take()
        if kind == "str":
            value = _unquote(text)
            self.word("in")
            target = self.word().lower()
            store = self.store
            if target == "parents":
                if value == "root":
                    return lambda f, e: not f.parents and f.drive_id is None and f.owner == e
                return lambda f, e: value in f.parents or (f.drive_id == value and not f.parents)
            if target == "owners":
                return lambda f, e: (f.owner or "") == value.lower()
            if target in {"writers", "readers"}:
                minimum = "writer" if target == "writers" else "reader"
                from sandbox.google.model import ROLE_RANK

                def shared(f: DriveFile, e: str) -> bool:
                    role = store.role(f, value.lower())
                    return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]

                return shared
            raise invalid_query()
        if kind != "word":
            raise invalid_query()
        field = text
        lowered = field.lower()
        if lowered == "sharedwithme":
            return lambda f, e: f.owner != e and f.drive_id is None
        if lowered in {"appproperties", "properties"}:
            self.word("has")
            if self.take() != ("op", "{"):
                raise invalid_query()
            self.word("key")
            if self.take() != ("op", "="):
                raise invalid_query()
            key = self.string()
            self.word("and")
            self.word("value")
            if self.take() != ("op", "="):
                raise invalid_query()
            value = self.string()
            if self.take() != ("op", "}"):
                raise invalid_query()
            attr = "app_properties" if lowered == "appproperties" else "properties"
            return lambda f, e: getattr(f, attr).get(key) == value
        op = self.op()
        if lowered in {"trashed", "starred"}:
            literal = self.word().lower()
            if literal not in {"true", "false"} or op not in {"=", "!="}:
                raise invalid_query()
            want = literal == "true"
            attr = lowered
            return lambda f, e: (getattr(f, attr) == want) == (op == "=")
        value = self.string()
        if lowered in {"name", "fulltext"}:
            if op == "=":
                return lambda f, e: f.name == value
            if op == "!=":
                return lambda f, e: f.name != value
            if op == "contains":
                if lowered == "name":
                    return lambda f, e: (
                        any(w.lower().startswith(value.lower()) for w in f.name.split())
                        or f.name.lower().startswith(value.lower())
                    )
                return lambda f, e: value.lower() in f.name.lower()
            raise invalid_query()
        if lowered == "mimetype":
            if op == "=":
                return lambda f, e: f.mime_type == value
            if op == "!=":
                return lambda f, e: f.mime_type != value
            if op == "contains":
                return lambda f, e: value in f.mime_type
            raise invalid_query()
        if lowered in {"modifiedtime", "createdtime", "viewedbymetime"}:
            if not re.match(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$", value):
                raise invalid_query()
            bound = _normalise_time(value)
            attr = "modified_time" if lowered != "createdtime" else "created_time"
            compare = {
                "=": lambda a, b: a == b,
                "!=": lambda a, b: a != b,
                "<": lambda a, b: a < b,
                ">": lambda a, b: a > b,
                "<=": lambda a, b: a <= b,
                ">=": lambda a, b: a >= b,
            }.get(op)
            if compare is None:
                raise invalid_query()
            return lambda f, e: compare(_normalise_time(getattr(f, attr)), bound)
        raise invalid_query()


def _normalise_time(text: str) -> str:
    """RFC 3339 to a comparable UTC string with milliseconds."""
    import datetime as dt

    value = text.replace("Z", "+00:00")
    if "T" not in value:
        value += "T00:00:00+00:00"
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


def compile_query(text: str, store: Store) -> Predicate:
    """The predicate of a Drive ``q`` string."""
    return _Parser(text, store).parse()
