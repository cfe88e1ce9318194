"""The rules of docs/istilah.md that a machine can check, over what users read.

Every public function of ``bot/texts.py`` is called with sample arguments (and each alternative
of a parameter that changes the wording: a returned or approved state, a past deadline, the
Sekretariat), and every text constant is read; the outputs must not say "Anda", "Workbook",
"Galat", "hash" or "snapshot", must write times "pukul 09.00 WIB" and rupiah "Rp1.500.000", must
not double "Bidang: Bidang" or read "sedang sudah disetujui", and must not put "Bapak/Ibu" before a
person's name. The Indonesian string literals of the other modules people read (the sheets, the
Google edge's explanations, doctor, the admin's commands, the settings' errors) and the prose of
docs/ (but arsitektur.md, which is in English) are held to the word rules.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from types import UnionType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from sheets import layout, riwayat
from sheets.capaian import CATATAN_REALISASI_KOSONG, CATATAN_TARGET_KOSONG, CATATAN_TARGET_NOL
from sheets.problems import Severity
from tests.test_texts_module import INDONESIAN, _skipped_nodes

ROOT = Path(__file__).resolve().parents[1]
WIB = ZoneInfo("Asia/Jakarta")
NAMA = "Sri Wahyuni, S.Sos., M.Si."

# --- the rules ----------------------------------------------------------------------------------

# (name, pattern that must not match, why)
WORD_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Anda", re.compile(r"\bAnda\b", re.IGNORECASE)),
    ("workbook", re.compile(r"\bworkbook", re.IGNORECASE)),
    ("galat", re.compile(r"\bgalat\b", re.IGNORECASE)),
    ("hash", re.compile(r"\bhash\b(?!\))", re.IGNORECASE)),  # "sidik (hash)" explains the word once
    ("snapshot", re.compile(r"\bsnapshot", re.IGNORECASE)),
    ("kode pendaftaran", re.compile(r"\bkode pendaftaran\b", re.IGNORECASE)),
    ("lewat (melalui)", re.compile(r"\blewat\b", re.IGNORECASE)),
    ("Rp with a space", re.compile(r"\bRp\.? \d")),
    ("Bidang: Bidang", re.compile(r"Bidang: Bidang\b")),
    ("sedang sudah / sedang sedang", re.compile(r"\bsedang (sudah|sedang)\b")),
    ("Mutu Baku tercapai", re.compile(r"Mutu Baku[^.]*\btercapai\b")),
)
TEXT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    *WORD_RULES,
    ("time with a colon", re.compile(r"\b\d{1,2}:\d{2}\b")),
    ("time without pukul", re.compile(r"(?<!pukul )\b\d{1,2}\.\d{2} (WIB|WITA|WIT)\b")),
    ("Bapak/Ibu before a name", re.compile(r"Bapak/Ibu (?!(Sekretaris|Kepala|Kasubbag)\b)[A-Z]")),
)


def broken(text: str, rules: tuple[tuple[str, re.Pattern[str]], ...] = TEXT_RULES) -> list[str]:
    """The rules ``text`` breaks, each with the words that break it."""
    return [f"{name}: {m.group(0)!r}" for name, pattern in rules for m in [pattern.search(text)] if m]


# --- every output of bot/texts.py -----------------------------------------------------------------

PROBLEMS = [
    {
        "cell": "M3",
        "column": "Realisasi TW I",
        "row": 3,
        "indikator": "Jumlah pencari kerja yang ditempatkan",
        "severity": "error",
        "message": '"dua puluh" bukan angka',
    },
    {
        "cell": "W4",
        "column": "Bukti Dukung (tautan)",
        "row": 4,
        "indikator": "Jumlah perusahaan peserta bursa kerja",
        "severity": "warning",
        "message": '"map biru" bukan tautan',
    },
]
SUMMARY = {
    "jumlah_indikator": 7,
    "indikator_dinilai": 5,
    "rata_rata_capaian": 87.5,
    "predikat": "Tinggi",
    "pagu": 1_500_000.0,
    "anggaran_kumulatif": 750_000.0,
    "serapan": 50.0,
    "peringatan": 1,
}
URL = "https://docs.google.com/spreadsheets/d/abc123/edit"
WAKTU = "2026-04-10T23:59:00+07:00"

# By parameter name: the first value is used in every call, each other one in a call of its own.
BY_NAME: dict[str, list[Any]] = {
    "tz": [WIB, ZoneInfo("Asia/Makassar")],
    "tw": [2],
    "tahun": [2026],
    "sop_step": [2, 3, 9],
    "sisa": [3, 0, -2],
    "deadline": [WAKTU, None],
    "since": [WAKTU, datetime(2026, 4, 6, 8, 0, tzinfo=WIB)],
    "pressed_at": [WAKTU],
    "moment": [datetime(2026, 4, 6, 8, 0, tzinfo=WIB), WAKTU, None],
    "until": [texts.format_waktu(WAKTU, WIB)],
    "url": [URL, None],
    "rekap_url": [URL],
    "archive_url": ["https://drive.google.com/drive/folders/arsip"],
    "bidang_nama": ["Bidang Penempatan Tenaga Kerja dan Perluasan Kesempatan Kerja", "Sekretariat"],
    "nama": [NAMA, "Agus Priyono, S.H."],
    "actor_nama": [NAMA],
    "holder_nama": [NAMA],
    "role": ["sekretaris", "kasubbag_kpep", "staf", "kepala_bidang"],
    "by_role": ["sekretaris", "kepala_dinas"],
    "holder_role": ["kepala_bidang", "staf"],
    "state": ["disetujui", "diisi", "diajukan", "analisis"],
    "dinas_state": ["analisis", "selesai"],
    "state_label": ["dalam analisis Kasubbag"],
    "kode": ["PTK"],
    "kodes": [("PTK", "LAT", "HIJ")],
    "code": ["ABCD234XYZ"],
    "bidang": [("PTK", "LAT"), "Sekretariat", None],
    "summary": [SUMMARY],
    "dinas": [SUMMARY],
    "problems": [PROBLEMS],
    "warnings": [PROBLEMS[1:], []],
    "formats": [
        [
            {
                "kode": "PTK",
                "nama": "Bidang Penempatan Tenaga Kerja",
                "indikator": 7,
                "indikator_bertarget": 6,
                "pagu": 1_500_000.0,
                "folder_url": "https://drive.google.com/drive/folders/ptk",
            }
        ],
        (),
    ],
    "figures": [[("PTK", "Bidang Penempatan Tenaga Kerja", 87.5, "Tinggi", 50.0)]],
    "links": [{"PTK": URL}],
    "per_bidang": [
        {"PTK": "Perluas bursa kerja."},
        {},
        [{"kode": "PTK", "nama": "Bidang Penempatan Tenaga Kerja", "diubah": 2, "ditambah": 1, "dihapus": 0}],
    ],
    "khusus": ["Perluas bursa kerja.", None],
    "catatan": ["Capaian umumnya baik.", None],
    "note": ["Menunggu data pagu.", None],
    "detail": ["Alasan: data belum lengkap", None],
    "delta": [timedelta(hours=3), 90.0],
    "elapsed": [timedelta(days=1, hours=2)],
    "names": [[NAMA], []],
    "what": [texts.WHAT_KOREKSI, texts.FIELD_ALASAN_PENGEMBALIAN],
    "line": ["ZZZ: Tingkatkan layanan", None],
    "value": [1_500_000.5, 7, None, True],
    "skip": [()],
    "sheet_hash": ["ab12"],
    "snapshot_hash": ["cd34"],
    "err": ["timeout"],
    "kind": ["jenis_baru"],
    "path": ["/var/lib/kinerja-bot/kinerja.db"],
    "capaian": [87.5, None],
    "serapan": [50.0, None],
    "predikat": ["Tinggi", None],
    "mutu_baku": ["1 hari kerja"],
    "reason": ["Data pagu belum lengkap."],
    "late": [True, False],
    "tanpa_akun_google": [["pegawai@contoh.test"], ()],
    "tidak_dibagikan": [{"tamu@contoh.test": "Drive bersama hanya menerima alamat domainnya"}, None],
    "akses": [[{"id": "anyoneWithLink", "type": "anyone", "role": "reader", "email": None, "domain": None}]],
    "editor": [["staf.ptk@contoh.test"], []],
    "dihapus": [True, False],
    "opens_at": ["2027-04-01T08:00:00+07:00"],
    "problem": [PROBLEMS[0], PROBLEMS[1], 'baris 3: kolom "Target Tahunan" kosong', None],
    "overdue": [False, True],
    "tab": ["Daftar Induk 2027", None],
    "jabatan_plh": ["Kepala Bidang PTK", "Sekretaris"],
    "counts": [[("PTK", 7), ("LAT", 5)]],
    "totals": [(3, 1, 1)],
    "day": [date(2026, 7, 6), "2026-07-06"],
    "mulai": [date(2026, 7, 6), "2026-07-06"],
    "selesai": [date(2026, 7, 10), "2026-07-10", date(2026, 7, 6)],
    "berlaku": [date(2026, 7, 1), None],
    "berlaku_mulai": [date(2026, 7, 1), "2026-07-01", None],
    "peristiwa": ["diterima", "ditolak", "ditetapkan", "berakhir", "dibatalkan"],
    "label": ["APBD Perubahan", "APBD Murni"],
}
BY_TYPE: dict[Any, list[Any]] = {
    int: [2],
    float: [1_500_000.0],
    bool: [False, True],
    str: ["Perluas bursa kerja."],
    datetime: [datetime(2026, 4, 6, 8, 0, tzinfo=WIB)],
    date: [date(2026, 7, 6)],
}


def _fits(value: Any, annotation: Any) -> bool:
    """Roughly, whether ``value`` is of the type ``annotation`` names (enough to pick samples)."""
    if annotation is Any or annotation is object:
        return True
    options = (
        typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, UnionType) else (annotation,)
    )
    for option in options:
        origin = typing.get_origin(option) or option
        if value is None and option is type(None):
            return True
        if value is not None and isinstance(origin, type) and isinstance(value, origin):
            return not (isinstance(value, str) and origin in (Sequence, Iterable))
        if option in (float,) and isinstance(value, int):
            return True
    return False


def _choices(name: str, annotation: Any) -> list[Any]:
    fitting = [value for value in BY_NAME.get(name, ()) if _fits(value, annotation)]
    if fitting:
        return fitting
    for kind, values in BY_TYPE.items():
        if annotation is kind or kind in typing.get_args(annotation):
            return values
    raise AssertionError(f"no sample for parameter {name}: {annotation}")


def _calls(func: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    """The sample arguments: the first choice everywhere, then each other choice of one parameter."""
    hints = typing.get_type_hints(func)
    params = [p for p in inspect.signature(func).parameters.values() if p.kind is not p.VAR_KEYWORD]
    choices = {p.name: _choices(p.name, hints.get(p.name)) for p in params}
    base = {name: values[0] for name, values in choices.items()}
    yield base
    for name, values in choices.items():
        for value in values[1:]:
            yield {**base, name: value}


def _functions() -> list[Callable[..., Any]]:
    found = [
        f
        for name, f in inspect.getmembers(texts, inspect.isfunction)
        if not name.startswith("_") and f.__module__ == texts.__name__
    ]
    assert len(found) > 60, "bot/texts.py moved"
    return found


def _constants() -> Iterator[tuple[str, str]]:
    for name, value in vars(texts).items():
        if name.startswith("_") or not name.isupper():
            continue
        items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]
        for item in items:
            for text in item if isinstance(item, tuple) else (item,):
                if isinstance(text, str):
                    yield name, text


@pytest.mark.parametrize("func", _functions(), ids=lambda f: f.__name__)
def test_every_text_function_follows_the_glossary(func: Callable[..., Any]) -> None:
    outputs = [func(**kwargs) for kwargs in _calls(func)]
    found = {f"{rule} in {text!r}" for text in outputs if isinstance(text, str) for rule in broken(text)}
    assert not found, "\n".join(sorted(found))


def test_every_text_constant_follows_the_glossary() -> None:
    found = [f"{name}: {rule}" for name, text in _constants() for rule in broken(text)]
    assert not found, "\n".join(found)


def test_the_sheet_and_riwayat_texts_follow_the_glossary() -> None:
    texts_read = [
        *(row[0] for row in layout.petunjuk_rows(2026, "Sekretariat", "Sekretaris")),
        *riwayat.EVENT_LABELS.values(),
        *(riwayat.pelaku(role, NAMA, "PTK") for role in riwayat.ROLE_LABELS),
        CATATAN_TARGET_KOSONG,
        CATATAN_TARGET_NOL,
        CATATAN_REALISASI_KOSONG,
        *(severity.label for severity in Severity),
    ]
    found = [f"{rule} in {text!r}" for text in texts_read for rule in broken(text)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        pytest.param("Mohon periksa kembali kode Anda.", "Anda", id="anda"),
        pytest.param("Workbook bidang tidak ditemukan", "workbook", id="workbook"),
        pytest.param("Galat: bukan angka", "galat", id="galat"),
        pytest.param("pagu Rp 1.500.000", "Rp with a space", id="rupiah-space"),
        pytest.param("Batas pengisian: Jumat, 10 April 2026 23.59 WIB.", "time without pukul", id="no-pukul"),
        pytest.param("mulai 08:00", "time with a colon", id="colon"),
        pytest.param("Selamat datang, Bapak/Ibu Sri Wahyuni.", "Bapak/Ibu before a name", id="name"),
        pytest.param("Laporan TW I 2026 sedang sudah disetujui.", "sedang sudah / sedang sedang", id="sedang"),
        pytest.param("Periode: TW I\nBidang: Bidang Pelatihan", "Bidang: Bidang", id="bidang-twice"),
        pytest.param("Mutu Baku langkah ini 1 hari telah tercapai.", "Mutu Baku tercapai", id="tercapai"),
        pytest.param("dibagikan lewat Google Drive", "lewat (melalui)", id="lewat"),
    ],
)
def test_the_rules_catch_what_the_review_found(text: str, rule: str) -> None:
    assert any(found.startswith(rule) for found in broken(text)), broken(text)


def test_the_rules_let_the_right_forms_pass() -> None:
    assert not broken(
        "Yth. Bapak/Ibu Sekretaris, batas pengisian: Jumat, 10 April 2026 pukul 23.59 WIB; pagu Rp1.500.000. "
        "Sekretaris (Sri Wahyuni) menyetujui melalui Telegram; melewati Mutu Baku."
    )


# --- the other modules people read, and the docs ---------------------------------------------------

READ_BY_PEOPLE = (
    "sheets/*.py",
    "sheets/google/*.py",
    "sheets/laporan/*.py",
    "bot/doctor/*.py",
    "bot/cli/*.py",
    "bot/admin.py",
    "bot/laporan_data.py",
    "config/settings.py",
)


def _indonesian_literals(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _skipped_nodes(tree)
    for node in ast.walk(tree):
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


def _read_by_people() -> list[Path]:
    files = sorted(set(itertools.chain.from_iterable(ROOT.glob(pattern) for pattern in READ_BY_PEOPLE)))
    assert len(files) > 40, "the modules moved"
    return files


@pytest.mark.parametrize("path", _read_by_people(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_indonesian_literals_follow_the_glossary(path: Path) -> None:
    found = [
        f"{path.name}:{line}: {rule} in {text!r}"
        for line, text in _indonesian_literals(path)
        for rule in broken(text, WORD_RULES)
    ]
    assert not found, "\n".join(found)


_CODE = re.compile(r"```.*?```|`[^`\n]*`|\]\([^)]*\)|https?://\S+", re.DOTALL)


@pytest.mark.parametrize(
    "doc",
    sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.name not in {"arsitektur.md", "istilah.md"}),
)
def test_the_docs_follow_the_glossary(doc: str) -> None:
    """Prose only: code, commands, setting keys and links are written as they are typed."""
    # Code is blanked line by line, so the line numbers in a failure stay those of the file.
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    prose = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    found = [
        f"line {number}: {rule}"
        for number, line in enumerate(prose.splitlines(), start=1)
        for rule in broken(line, WORD_RULES)
    ]
    assert not found, "\n".join(found)
