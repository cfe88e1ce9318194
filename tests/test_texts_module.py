"""Every sentence a user reads lives in ``bot/texts.py`` (DESIGN.md section 7, issue #8 item 7).

The workflow core and the Telegram edge build no Indonesian sentence inline: a string literal
(or an f-string's text) in ``bot/workflow/*.py`` or ``bot/telegram/*.py`` that reads like one
fails here, and so does a refusal raised with a literal. Docstrings and log calls are skipped
(they are English anyway). Also: every state and role has its label.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from bot.workflow.machine import BidangState, DinasState, Role

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("bot/workflow", "bot/telegram")

# Words that only an Indonesian sentence for a person contains (none is an English word or a
# payload key used alone; a literal must also contain a space to count as a sentence).
INDONESIAN = re.compile(
    r"\b(maaf|mohon|bapak|ibu|tidak|sudah|belum|wajib|harus|silakan|sedang|dapat|laporan|periode|"
    r"yang|untuk|oleh|kepada|lewat|gagal|kesalahan|peringatan|penerima|dikenal|diisi|dimulai|dalam|menunggu|"
    r"koreksi|dikembalikan|disetujui|diserahkan|diteruskan|dibuka|kembali|otomatis|ditemukan)\b",
    re.IGNORECASE,
)
LOG_NAMES = frozenset({"logger", "logging", "log"})


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Docstrings and everything inside a logging call."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in LOG_NAMES
        ):
            skipped.update(id(sub) for sub in ast.walk(node))
    return skipped


def _is_literal_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def inline_sentences(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every Indonesian-looking literal and every refusal raised with a literal."""
    tree = ast.parse(source)
    skipped = _skipped_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "ActionRefused" and any(_is_literal_text(arg) for arg in node.exc.args):
                yield node.lineno, f"ActionRefused({ast.unparse(node.exc.args[0])})"
        if id(node) in skipped:
            continue
        if isinstance(node, ast.JoinedStr):
            skipped.update(id(sub) for sub in ast.walk(node))
            text = "".join(p.value for p in node.values if isinstance(p, ast.Constant) and isinstance(p.value, str))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if " " in text.strip() and INDONESIAN.search(text):
            yield node.lineno, text


def _modules() -> list[Path]:
    files = sorted(path for folder in SCANNED for path in (ROOT / folder).glob("*.py"))
    assert len(files) > 15, "the scanned folders moved"
    return files


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_user_sentences(path: Path) -> None:
    found = [f"{path.name}:{line}: {text!r}" for line, text in inline_sentences(path.read_text(encoding="utf-8"))]
    assert not found, "move these sentences to bot/texts.py:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('raise ActionRefused("Periode tidak ditemukan.")\n', id="refusal-literal"),
        pytest.param('raise ActionRefused(f"Kode bidang {k!r} tidak dikenal.")\n', id="refusal-fstring"),
        pytest.param('raise errors.ActionRefused("Nama wajib diisi.")\n', id="refusal-attribute"),
        pytest.param('note = f"Ditemukan {n} kesalahan; mohon diperbaiki."\n', id="fstring-sentence"),
        pytest.param('STATUS = {"x": "menunggu koreksi Kepala Bidang"}\n', id="label-in-dict"),
    ],
)
def test_scanner_catches_inline_sentences(source: str) -> None:
    assert list(inline_sentences(source))


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('"""Laporan tidak dapat: a docstring is skipped."""\n', id="docstring"),
        pytest.param('logger.info("periode %s tidak ditemukan", 1)\n', id="log-call"),
        pytest.param("raise ActionRefused(texts.REFUSAL_PERIOD_NOT_FOUND)\n", id="refusal-from-texts"),
        pytest.param('key = f"tamper:{period}:{bidang}"\n', id="dedupe-key"),
        pytest.param('raise ValueError("callback data over 64 bytes")\n', id="english"),
    ],
)
def test_scanner_ignores_non_sentences(source: str) -> None:
    assert list(inline_sentences(source)) == []


def test_every_state_has_a_label() -> None:
    states = {str(s) for s in BidangState} | {str(s) for s in DinasState}
    assert set(texts.STATE_LABELS) == states
    assert texts.STATE_LABELS[DinasState.ANALYSIS] == "dalam analisis Kasubbag"  # StrEnum members look up


def test_every_role_has_a_name() -> None:
    assert set(texts.ROLE_NAMES) == {str(r) for r in Role}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            texts.refusal_dinas_state(1, 2026, DinasState.ANALYSIS),
            "Laporan kinerja dinas TW I 2026 dalam analisis Kasubbag; tindakan ini tidak dapat dilakukan sekarang.",
            id="dinas-state",
        ),
        pytest.param(
            texts.refusal_bidang_state("Bidang Pelatihan", 2, 2026, BidangState.APPROVED),
            "Laporan Bidang Pelatihan TW II 2026 sudah disetujui; tindakan ini tidak dapat dilakukan sekarang.",
            id="bidang-state",
        ),
        pytest.param(
            texts.refusal_bidang_state("Bidang Pelatihan", 2, 2026, BidangState.FILLING),
            "Laporan Bidang Pelatihan TW II 2026 sedang diisi; tindakan ini tidak dapat dilakukan sekarang.",
            id="bidang-state-filling",
        ),
        pytest.param(
            texts.refusal_bidang_state("Sekretariat", 1, 2026, BidangState.SUBMITTED, sekretaris_corrects=True),
            "Laporan Sekretariat TW I 2026 menunggu koreksi Sekretaris; tindakan ini tidak dapat dilakukan sekarang.",
            id="sekretariat-awaits-the-sekretaris",
        ),
        pytest.param(
            texts.refusal_only_kepala_bidang("Sekretariat", sekretaris_corrects=True),
            "Maaf, langkah ini hanya dapat dilakukan oleh Sekretaris.",
            id="kepala-is-sekretaris",
        ),
        pytest.param(
            texts.refusal_only_role(Role.KASUBBAG_KPEP),
            "Maaf, langkah ini hanya dapat dilakukan oleh Kasubbag Keuangan, Perencanaan, Evaluasi, dan Pelaporan.",
            id="only-kasubbag",
        ),
        pytest.param(
            texts.refusal_distribution_failed({"PTK", "LAT"}),
            "Pembagian format gagal untuk bidang LAT, PTK.",
            id="distribution-failed",
        ),
        pytest.param(
            texts.refusal_text_too_short(texts.FIELD_ALASAN_PENGEMBALIAN, 3),
            "Alasan pengembalian terlalu singkat; tuliskan paling sedikit 3 huruf.",
            id="too-short",
        ),
    ],
)
def test_refusal_words(text: str, expected: str) -> None:
    assert text == expected
