"""Text entities as Telegram computes them: HTML and MarkdownV2 parsing, auto-detection, UTF-16 offsets.

The parsers follow tdlib's ``parse_html`` and ``parse_markdown_v2`` closely, including their
error messages (``Unsupported start tag "x" at byte offset N``, ``Character '.' is reserved and
must be escaped with the preceding '\\'``), because bots see those messages verbatim in
``Bad Request: can't parse entities: ...``. Offsets and lengths are in UTF-16 code units.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sandbox.telegram.errors import EntityParseError

Entity = dict[str, Any]
UserLookup = Callable[[int], dict[str, Any] | None]

_MD_RESERVED = "_*[]()~`>#+-=|{}.!"
_MD_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "pre_code": "PreCode",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_HTML_TAGS = {
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "tg-time",
    "span",
    "pre",
    "code",
    "blockquote",
}
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_TG_USER = re.compile(r"^tg://user\?id=(\d{1,20})$")
_LINK_SCHEMES = {"http", "https", "tg", "ton", "tonsite"}


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, as Telegram counts."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def normalize_link(url: str) -> str | None:
    """The URL Telegram stores for a text_link, or None when it rejects it."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    if "://" not in url:
        if not re.match(r"^[\w-]+(\.[\w-]+)+(/.*)?$", url):
            return None
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.netloc:
        return None
    if parts.scheme.lower() in {"http", "https"} and not parts.path and not parts.query:
        url = url + "/" if not parts.fragment else url.replace("#", "/#", 1)
    return url


_TG_LINK_PREFIXES = ("tg:", "ton:", "tonsite:")


def button_url_problem(url: str) -> str | None:
    """Why Telegram refuses ``url`` on an inline URL button, or None when it takes it.

    tdlib's ``LinkManager::check_link`` (what the Bot API runs on a button's url): ``tg:``, ``ton:``
    and ``tonsite:`` links take no port, user or ``http://``, and a host of letters, digits, ``-``
    and ``_``; any other link must be http(s) (no scheme means http) with a dot in its host (or an
    IPv6 host): ``http://localhost:8080`` is a "Wrong HTTP URL" on Telegram.
    """
    stripped = url.strip()
    lowered = stripped.lower()
    for prefix in _TG_LINK_PREFIXES:
        if lowered.startswith(prefix):
            rest = stripped[len(prefix) :]
            rest = rest[2:] if rest.startswith("//") else rest
            wrong = "Wrong tg URL" if prefix == "tg:" else "Wrong ton URL"
            try:
                parts = urlsplit("http://" + rest)
                port = parts.port
            except ValueError:
                return wrong
            if rest.lower().startswith(("http://", "https://")) or port is not None or "@" in parts.netloc:
                return wrong
            extra = "." if prefix == "tonsite:" else ""
            host = parts.hostname or ""
            if not host or any(not (ch.isalnum() or ch in "-_" + extra) for ch in host):
                return "Unallowed characters in URL host"
            return None
    if "://" in stripped and stripped.split("://", 1)[0].lower() not in {"http", "https"}:
        return "Unsupported URL protocol"
    try:
        parts = urlsplit(stripped if "://" in stripped else "http://" + stripped)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError on a port that is not a number
    except ValueError:
        return "Wrong port number specified in the URL"
    if any(ch.isspace() for ch in stripped) or not host:
        return "Wrong HTTP URL"
    if "." not in host and ":" not in host:  # ":" only in an IPv6 host
        return "Wrong HTTP URL"
    return None


@dataclass
class _Builder:
    """Output text in chunks with its running UTF-16 length."""

    chunks: list[str] = field(default_factory=list)
    length16: int = 0

    def add(self, text: str) -> None:
        self.chunks.append(text)
        self.length16 += utf16_len(text)

    def text(self) -> str:
        return "".join(self.chunks)


# --- HTML ---------------------------------------------------------------------------------------


def _decode_html_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode ``&lt;`` / ``&#123;`` at ``i``: (character, index after it), or None."""
    end = text.find(";", i + 1, i + 12)
    if end < 0:
        return None
    name = text[i + 1 : end]
    named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
    if name in named:
        return named[name], end + 1
    try:
        if name.startswith(("#x", "#X")) and len(name) > 2:
            code = int(name[2:], 16)
        elif name.startswith("#") and name[1:].isdigit():
            code = int(name[1:])
        else:
            return None
    except ValueError:
        return None
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), end + 1


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset16: int
    attrs: dict[str, str]


def parse_html(text: str, user_lookup: UserLookup | None = None) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML into plain text and entities; EntityParseError on bad markup."""
    out = _Builder()
    entities: list[Entity] = []
    stack: list[_OpenTag] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                out.add(decoded[0])
                i = decoded[1]
                continue
            out.add("&")
            i += 1
            continue
        if ch != "<":
            out.add(ch)
            i += 1
            continue
        begin = i
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            i += 2
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            end_name = text[begin + 2 : i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            tag = stack.pop()
            if end_name and end_name != tag.name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag.name}>", found "</{end_name}>"'
                )
            _close_html_tag(tag, out, entities, stack, user_lookup)
            continue
        i += 1
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[begin + 1 : i].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}')
        attrs, i = _parse_attributes(text, i, name, begin)
        argument = ""
        if name == "a":
            argument = attrs.get("href", "")
        elif name == "code" and attrs.get("class", "").startswith("language-"):
            argument = attrs["class"][len("language-") :]
        elif name == "span":
            css = attrs.get("class", "")
            if css != "tg-spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
                )
        elif name == "tg-emoji":
            argument = attrs.get("emoji-id", "")
        elif name == "blockquote" and "expandable" in attrs:
            argument = "expandable"
        stack.append(_OpenTag(name, argument, out.length16, attrs))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.text(), entities


def _parse_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Read ``name="value"`` pairs up to the closing ``>``; returns them and the index after it."""
    n = len(text)
    attrs: dict[str, str] = {}
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}')
        if text[i] == ">":
            return attrs, i + 1
        start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[start:i].lower()
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] != "=" and tag == "blockquote" and name == "expandable":
            attrs[name] = ""
            continue
        if i >= n or text[i] != "=":
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(text, begin)}"
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}')
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "&":
                    decoded = _decode_html_entity(text, i)
                    if decoded is not None:
                        value.append(decoded[0])
                        i = decoded[1]
                        continue
                value.append(text[i])
                i += 1
            if i < n:
                i += 1
            attrs[name] = "".join(value)
        else:
            start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < n and not text[i].isspace() and text[i] != ">":
                raise EntityParseError(f"Unexpected end of name token at byte offset {_byte_offset(text, start)}")
            attrs[name] = text[start:i].lower()


def _close_html_tag(
    tag: _OpenTag,
    out: _Builder,
    entities: list[Entity],
    stack: list[_OpenTag],
    user_lookup: UserLookup | None,
) -> None:
    """Turn a closed tag into its entity (nothing for an empty span)."""
    offset, length = tag.offset16, out.length16 - tag.offset16
    if length <= 0:
        return
    entity: Entity = {"offset": offset, "length": length}
    if tag.name in _HTML_SIMPLE:
        entity["type"] = _HTML_SIMPLE[tag.name]
    elif tag.name == "a":
        url = tag.argument or out.text()[-_py_len_from_end(out, length) :]
        if not _add_link(entity, url, user_lookup):
            return
    elif tag.name == "code":
        if stack and stack[-1].name == "pre" and stack[-1].offset16 == offset and tag.argument:
            stack[-1].argument = tag.argument
            return
        entity["type"] = "code"
    elif tag.name == "pre":
        entity["type"] = "pre"
        if tag.argument:
            entity["language"] = tag.argument
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
    elif tag.name == "tg-emoji":
        if not tag.argument.isdigit():
            return
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = tag.argument
    elif tag.name == "tg-time":
        unix = tag.attrs.get("unix", "")
        if not unix.lstrip("-").isdigit():
            return
        entity["type"] = "date_time"
        entity["unix_time"] = int(unix)
        if tag.attrs.get("format"):
            entity["date_time_format"] = tag.attrs["format"]
    else:  # pragma: no cover - every supported tag is handled above
        return
    entities.append(entity)


def _py_len_from_end(out: _Builder, length16: int) -> int:
    """How many Python characters at the end of ``out`` make ``length16`` UTF-16 units."""
    text = out.text()
    count, units = 0, 0
    for ch in reversed(text):
        if units >= length16:
            break
        units += 2 if ord(ch) > 0xFFFF else 1
        count += 1
    return count


def _add_link(entity: Entity, url: str, user_lookup: UserLookup | None) -> bool:
    """Fill ``entity`` as text_mention or text_link; False when Telegram would drop it."""
    mention = _TG_USER.match(url.strip())
    if mention:
        user = user_lookup(int(mention.group(1))) if user_lookup else None
        if user is None:
            return False
        entity["type"] = "text_mention"
        entity["user"] = user
        return True
    link = normalize_link(url)
    if link is None:
        return False
    entity["type"] = "text_link"
    entity["url"] = link
    return True


# --- MarkdownV2 ---------------------------------------------------------------------------------


@dataclass
class _OpenMd:
    kind: str
    argument: str
    offset16: int
    byte_index: int
    out_index: int


def _reserved(ch: str) -> EntityParseError:
    return EntityParseError(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")


def parse_markdown_v2(text: str, user_lookup: UserLookup | None = None) -> tuple[str, list[Entity]]:
    """Parse Telegram MarkdownV2 into plain text and entities; EntityParseError on bad markup."""
    out = _Builder()
    entities: list[Entity] = []
    stack: list[_OpenMd] = []
    quote_start: int | None = None
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    i = 0
    while i < n:
        ch = text[i]
        nxt = at(i + 1)
        if ch == "\\" and nxt and 0 < ord(nxt) <= 126:
            out.add(nxt)
            i += 2
            continue
        line_start = i == 0 or text[i - 1] == "\n"
        if ch == ">" and line_start and not stack:
            if quote_start is None:
                quote_start = out.length16
            i += 1
            continue
        if ch == "\n" and quote_start is not None and at(i + 1) != ">":
            if out.length16 > quote_start:
                entities.append({"type": "blockquote", "offset": quote_start, "length": out.length16 - quote_start})
            quote_start = None
        top = stack[-1].kind if stack else None
        reserved = "`" if top in {"code", "pre", "pre_code"} else _MD_RESERVED
        if ch not in reserved:
            out.add(ch)
            i += 1
            continue
        ends = False
        if top == "bold":
            ends = ch == "*"
        elif top == "italic":
            ends = ch == "_" and nxt != "_"
        elif top == "code":
            ends = ch == "`"
        elif top in {"pre", "pre_code"}:
            ends = ch == "`" and nxt == "`" and at(i + 2) == "`"
        elif top in {"text_link", "custom_emoji"}:
            ends = ch == "]"
        elif top == "underline":
            ends = ch == "_" and nxt == "_"
        elif top == "strikethrough":
            ends = ch == "~"
        elif top == "spoiler":
            ends = ch == "|" and nxt == "|"
        if not ends:
            i = _open_md(text, i, stack, out)
            continue
        i = _close_md(text, i, stack, out, entities, user_lookup)
    if stack:
        top_open = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MD_TYPE_NAMES[top_open.kind]} entity at byte offset "
            f"{_byte_offset(text, top_open.byte_index)}"
        )
    if quote_start is not None and out.length16 > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start, "length": out.length16 - quote_start})
    return out.text(), entities


def _open_md(text: str, i: int, stack: list[_OpenMd], out: _Builder) -> int:
    """Start the entity whose opening mark is at ``i``; returns the next index to read."""
    n = len(text)
    ch, nxt = text[i], text[i + 1] if i + 1 < n else ""
    begin = i
    argument = ""
    if ch == "_":
        if nxt == "_":
            kind, i = "underline", i + 2
        else:
            kind, i = "italic", i + 1
    elif ch == "*":
        kind, i = "bold", i + 1
    elif ch == "~":
        kind, i = "strikethrough", i + 1
    elif ch == "|":
        if nxt != "|":
            raise _reserved(ch)
        kind, i = "spoiler", i + 2
    elif ch == "[":
        kind, i = "text_link", i + 1
    elif ch == "!":
        if nxt != "[":
            raise _reserved(ch)
        kind, i = "custom_emoji", i + 2
    elif ch == "`":
        if nxt == "`" and text[i + 2 : i + 3] == "`":
            i += 3
            kind = "pre"
            end = i
            while end < n and not text[end].isspace() and text[end] != "`":
                end += 1
            if end != i and end < n and text[end] != "`":
                kind, argument, i = "pre_code", text[i:end], end
            if i < n and text[i] in "\r\n":
                i += 2 if i + 1 < n and text[i + 1] in "\r\n" and text[i + 1] != text[i] else 1
        else:
            kind, i = "code", i + 1
    else:
        raise _reserved(ch)
    stack.append(_OpenMd(kind, argument, out.length16, begin, len(out.chunks)))
    return i


def _close_md(
    text: str,
    i: int,
    stack: list[_OpenMd],
    out: _Builder,
    entities: list[Entity],
    user_lookup: UserLookup | None,
) -> int:
    """Close the innermost entity at its closing mark ``i``; returns the next index to read."""
    n = len(text)
    opened = stack.pop()
    skip = out.length16 == opened.offset16
    entity: Entity = {"offset": opened.offset16, "length": out.length16 - opened.offset16}
    kind = opened.kind
    if kind in {"underline", "spoiler"}:
        i += 2
    elif kind in {"pre", "pre_code"}:
        i += 3
    elif kind in {"text_link", "custom_emoji"}:
        inner = "".join(out.chunks[opened.out_index :])
        url_chars: list[str] = []
        if i + 1 < n and text[i + 1] == "(":
            i += 2
            url_begin = i
            while i < n and text[i] != ")":
                if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                    url_chars.append(text[i + 1])
                    i += 2
                    continue
                url_chars.append(text[i])
                i += 1
            if i >= n:
                raise EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, url_begin)}")
            url = "".join(url_chars)
        elif kind == "custom_emoji":
            raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
        else:
            url = inner
        i += 1
        if kind == "custom_emoji":
            match = re.match(r"^tg://emoji\?id=(\d+)$", url)
            if not match:
                raise EntityParseError("Custom emoji URL must have an emoji identifier")
            entity["type"] = "custom_emoji"
            entity["custom_emoji_id"] = match.group(1)
        elif not _add_link(entity, url, user_lookup):
            skip = True
    else:
        i += 1
    if kind in {"bold", "italic", "underline", "strikethrough", "spoiler", "code"}:
        entity["type"] = kind
    elif kind in {"pre", "pre_code"}:
        entity["type"] = "pre"
        if opened.argument:
            entity["language"] = opened.argument
    if not skip:
        entities.append(entity)
    return i


# --- automatic entities -------------------------------------------------------------------------

_AUTO_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("url", re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#(?=\w*[^\W\d_])\w{1,256}")),
)
_NO_AUTO_INSIDE = {"code", "pre", "text_link", "url", "email", "text_mention", "custom_emoji"}


def find_auto_entities(text: str, existing: list[Entity]) -> list[Entity]:
    """Entities Telegram detects by itself (links, commands, mentions, hashtags, e-mails)."""
    if not any(mark in text for mark in "/@#.:"):
        return []
    found: list[Entity] = []
    blocked = [(e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _NO_AUTO_INSIDE]
    taken: list[tuple[int, int]] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(0)
            if kind == "url":
                value = value.rstrip(".,;:!?)'")
            if not value:
                continue
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(value)
            if any(s < end and start < e for s, e in blocked + taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return found


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace the way Telegram does, moving and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead16 = utf16_len(text[: len(text) - len(text.lstrip())])
    total16 = utf16_len(stripped)
    result: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead16, 0)
        end = min(entity["offset"] + entity["length"] - lead16, total16)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Entities in Telegram's order: by offset, the longer (outer) one first."""
    ordered = sorted(entities, key=lambda e: (e["offset"], -e["length"]))
    return [{"type": e["type"], "offset": e["offset"], "length": e["length"], **e} for e in ordered]


def format_text(
    text: str,
    parse_mode: str | None,
    explicit: list[Entity] | None = None,
    user_lookup: UserLookup | None = None,
) -> tuple[str, list[Entity]]:
    """Plain text and the complete entity list of a message as Telegram would store it.

    Raises EntityParseError (parse problems) or ValueError("unsupported parse mode").
    """
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        plain, entities = parse_html(text, user_lookup)
    elif mode == "markdownv2":
        plain, entities = parse_markdown_v2(text, user_lookup)
    elif mode == "markdown":
        plain, entities = parse_markdown_legacy(text)
    elif mode == "":
        plain, entities = text, list(explicit or [])
    else:
        raise ValueError(f"unsupported parse_mode {parse_mode}")
    plain, entities = strip_text(plain, entities)
    entities = entities + find_auto_entities(plain, entities)
    return plain, sort_entities(entities)


def parse_markdown_legacy(text: str) -> tuple[str, list[Entity]]:
    """Telegram's legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out = _Builder()
    entities: list[Entity] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if ch not in "_*`[":
            out.add(ch)
            i += 1
            continue
        begin = i
        if ch == "`" and text[i : i + 3] == "```":
            end = text.find("```", i + 3)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
                )
            body = text[i + 3 : end]
            start16 = out.length16
            out.add(body)
            if body:
                entities.append({"type": "pre", "offset": start16, "length": out.length16 - start16})
            i = end + 3
            continue
        close = "]" if ch == "[" else ch
        end = text.find(close, i + 1)
        if end < 0:
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}")
        body = text[i + 1 : end]
        start16 = out.length16
        out.add(body)
        entity: Entity = {"offset": start16, "length": out.length16 - start16}
        i = end + 1
        if ch == "[":
            url = ""
            if i < n and text[i] == "(":
                url_end = text.find(")", i)
                if url_end < 0:
                    raise EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, i)}")
                url, i = text[i + 1 : url_end], url_end + 1
            link = normalize_link(url or body)
            if link is None or not body:
                continue
            entity.update(type="text_link", url=link)
        else:
            entity["type"] = {"*": "bold", "_": "italic", "`": "code"}[ch]
        if entity["length"] > 0:
            entities.append(entity)
    return out.text(), entities
