"""HTML and MarkdownV2 parsing as Telegram does it: plain text, UTF-16 entities, tdlib's errors."""

from __future__ import annotations

import pytest

from sandbox.telegram.entities import EntityParseError, format_text, utf16_len


def _types(entities: list[dict]) -> list[tuple[str, int, int]]:
    return [(e["type"], e["offset"], e["length"]) for e in entities]


@pytest.mark.parametrize(
    ("text", "mode", "plain", "entities"),
    [
        pytest.param("<b>Halo</b> dunia", "HTML", "Halo dunia", [("bold", 0, 4)], id="html-bold"),
        pytest.param(
            "<i>a</i><u>b</u><s>c</s>",
            "HTML",
            "abc",
            [("italic", 0, 1), ("underline", 1, 1), ("strikethrough", 2, 1)],
            id="html-styles",
        ),
        pytest.param("&lt;3 &amp; &quot;x&quot; &#65;", "HTML", '<3 & "x" A', [], id="html-escapes"),
        pytest.param("a &foo; b", "HTML", "a &foo; b", [], id="html-unknown-entity-literal"),
        pytest.param(
            '<pre><code class="language-python">x</code></pre>',
            "HTML",
            "x",
            [("pre", 0, 1)],
            id="html-pre-language",
        ),
        pytest.param('<span class="tg-spoiler">s</span>', "HTML", "s", [("spoiler", 0, 1)], id="html-spoiler"),
        pytest.param("😀 <b>é😀</b>", "HTML", "😀 é😀", [("bold", 3, 3)], id="html-utf16-offsets"),
        pytest.param(
            "*tebal* _miring_ __garis__",
            "MarkdownV2",
            "tebal miring garis",
            [("bold", 0, 5), ("italic", 6, 6), ("underline", 13, 5)],
            id="md-styles",
        ),
        pytest.param("Nilai 75\\,5\\% \\(naik\\)\\.", "MarkdownV2", "Nilai 75,5% (naik).", [], id="md-escapes"),
        pytest.param(
            "||rahasia|| ~coret~",
            "MarkdownV2",
            "rahasia coret",
            [("spoiler", 0, 7), ("strikethrough", 8, 5)],
            id="md-spoiler-strike",
        ),
        pytest.param(
            "`kode.x` ```py\nprint(1)```",
            "MarkdownV2",
            "kode.x print(1)",
            [("code", 0, 6), ("pre", 7, 8)],
            id="md-code-pre",
        ),
        pytest.param(
            ">kutipan\n>dua\nakhir",
            "MarkdownV2",
            "kutipan\ndua\nakhir",
            [("blockquote", 0, 11)],
            id="md-blockquote",
        ),
        pytest.param("  /start  ", None, "/start", [("bot_command", 0, 6)], id="plain-stripped-command"),
        pytest.param(
            "lihat https://example.com/x.",
            None,
            "lihat https://example.com/x.",
            [("url", 6, 21)],
            id="plain-url",
        ),
    ],
)
def test_parsing(text: str, mode: str | None, plain: str, entities: list[tuple[str, int, int]]) -> None:
    result_text, result_entities = format_text(text, mode)
    assert result_text == plain
    assert _types(result_entities) == entities


def test_text_link_url_is_normalised_and_language_kept() -> None:
    _, entities = format_text('<a href="example.com">x</a> <pre><code class="language-py">y</code></pre>', "HTML")
    assert entities[0] == {"type": "text_link", "offset": 0, "length": 1, "url": "http://example.com/"}
    assert entities[1]["language"] == "py"
    _, md = format_text("[tautan](https://contoh.id/a\\)b)", "MarkdownV2")
    assert md[0]["url"] == "https://contoh.id/a)b"


@pytest.mark.parametrize(
    ("text", "mode", "message"),
    [
        pytest.param("a < b", "HTML", 'Unsupported start tag "" at byte offset 2', id="html-bare-lt"),
        pytest.param("<b>x", "HTML", 'Can\'t find end tag corresponding to start tag "b"', id="html-unclosed"),
        pytest.param(
            "<b>x</i>",
            "HTML",
            'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
            id="html-mismatch",
        ),
        pytest.param("é<foo>", "HTML", 'Unsupported start tag "foo" at byte offset 2', id="html-unknown-tag"),
        pytest.param("</b>", "HTML", "Unexpected end tag at byte offset 0", id="html-stray-end"),
        pytest.param(
            "<span>x</span>",
            "HTML",
            'Tag "span" must have class "tg-spoiler" at byte offset 0',
            id="html-span",
        ),
        pytest.param(
            "Selesai.",
            "MarkdownV2",
            "Character '.' is reserved and must be escaped with the preceding '\\'",
            id="md-dot",
        ),
        pytest.param(
            "TW-1",
            "MarkdownV2",
            "Character '-' is reserved and must be escaped with the preceding '\\'",
            id="md-dash",
        ),
        pytest.param("*tebal", "MarkdownV2", "Can't find end of Bold entity at byte offset 0", id="md-unclosed"),
        pytest.param("a _b", "MarkdownV2", "Can't find end of Italic entity at byte offset 2", id="md-italic"),
        pytest.param("[x](http://a", "MarkdownV2", "Can't find end of a URL at byte offset 4", id="md-url"),
    ],
)
def test_parse_errors(text: str, mode: str, message: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        format_text(text, mode)
    assert str(caught.value) == message


def test_utf16_length_counts_surrogate_pairs() -> None:
    assert utf16_len("a😀é") == 4
