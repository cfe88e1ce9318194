"""Pure pieces of the Telegram edge: callback codec, Indonesian dates and numbers, rendering of
every outbox kind, splitting, the chart, the rekomendasi parser."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from telegram.ext import Application

from bot import texts
from bot.telegram.actions import parse_rekomendasi
from bot.telegram.app import TelegramEdgeError, build_application, file_base_url
from bot.telegram.callback_data import Action, CallbackData, CallbackDataError, decode
from bot.telegram.charts import PREDIKAT_COLOURS, Bar, capaian_chart
from bot.telegram.notifier import split_text, strip_marker, utf16_len
from bot.telegram.render import Renderer, rekap_figures
from bot.workflow.errors import ActionRefused
from bot.workflow.notifications import Kind
from bot.workflow.payloads import PAYLOAD_KEYS, PAYLOAD_TYPES, RekomendasiRequest, payload_from_json
from config.settings import Settings
from tests.telegram_edge.conftest import edge_settings

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return edge_settings("http://127.0.0.1:1", tmp_path / "k.db")


# --- callback data ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.name)
def test_callback_data_round_trips_within_64_bytes(action: Action) -> None:
    bidang = (
        "ABCDEFGHIJKL"
        if action in {Action.KOREKSI_APPROVE, Action.KOREKSI_RETURN, Action.TINDAK_LANJUT, Action.REOPEN_BIDANG}
        else None
    )
    data = CallbackData(action, 9_999_999_999, bidang)
    encoded = data.encode()
    assert len(encoded.encode()) <= 64
    assert decode(encoded) == data


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "k1|kok|1",
        "k1|kok|0|PTK",
        "k1|kok|-3|PTK",
        "k1|kok|1|ptk",
        "k9|dok|1|-",
        "k1|DOK|1|-",
        "x" * 65,
        "k1|dok|1|-|extra",
    ],
    ids=["empty", "none", "short", "zero", "negative", "lowercase-bidang", "version", "case", "oversized", "extra"],
)
def test_callback_data_rejects_what_the_bot_never_made(raw: str | None) -> None:
    with pytest.raises(CallbackDataError):
        decode(raw)


# --- texts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(datetime(2026, 4, 6, 8, 0, tzinfo=WIB), "Senin, 6 April 2026 pukul 08.00 WIB", id="local"),
        pytest.param(datetime(2026, 4, 6, 1, 5, tzinfo=UTC), "Senin, 6 April 2026 pukul 08.05 WIB", id="utc"),
        pytest.param("2026-12-31T23:59:00+07:00", "Kamis, 31 Desember 2026 pukul 23.59 WIB", id="iso"),
        pytest.param("2026-08-16T17:00:00+00:00", "Senin, 17 Agustus 2026 pukul 00.00 WIB", id="iso-utc-next-day"),
        pytest.param(None, "-", id="none"),
    ],
)
def test_format_waktu(moment: Any, expected: str) -> None:
    assert texts.format_waktu(moment, WIB) == expected


def test_format_waktu_other_zones() -> None:
    moment = datetime(2026, 4, 6, 1, 0, tzinfo=UTC)
    assert texts.format_waktu(moment, ZoneInfo("Asia/Makassar")) == "Senin, 6 April 2026 pukul 09.00 WITA"
    assert texts.format_waktu(moment, ZoneInfo("Asia/Jayapura")) == "Senin, 6 April 2026 pukul 10.00 WIT"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=30), "kurang dari 1 menit"),
        (timedelta(minutes=65), "1 jam 5 menit"),
        (timedelta(days=2, hours=3, minutes=9), "2 hari 3 jam"),
    ],
    ids=["seconds", "hour-minutes", "days"],
)
def test_format_durasi(delta: timedelta, expected: str) -> None:
    assert texts.format_durasi(delta) == expected


def test_summary_uses_the_decimal_comma() -> None:
    lines = texts.summary_lines({"rata_rata_capaian": 1234.567, "pagu": 1500000, "jumlah_indikator": 7, "x_y": 2.5})
    assert lines == [
        "- Jumlah indikator: 7",
        "- Rata-rata capaian: 1.234,57%",
        "- Pagu anggaran: Rp1.500.000",
    ]


def test_every_field_of_the_koreksi_summary_has_a_label(caplog: pytest.LogCaptureFixture) -> None:
    """The summary the poll builds (sheets.summary.TwSummary) reads as Indonesian, no field names."""
    import dataclasses

    from sheets.summary import TwSummary

    summary = TwSummary(
        tw=1,
        jumlah_indikator=7,
        terisi=7,
        dinilai=6,
        rata_rata_capaian=97.5,
        predikat="Sangat Tinggi",
        predikat_counts={"Sangat Tinggi": 6},
        pagu=1e9,
        anggaran_kumulatif=2.5e8,
        serapan=25.0,
        peringatan=1,
        galat=0,
    )
    with caplog.at_level("WARNING"):
        lines = texts.summary_lines(dataclasses.asdict(summary))
    assert not caplog.records, caplog.text
    assert "- Indikator terisi: 7" in lines
    assert "- Jumlah kesalahan isian: 0" in lines
    assert not any(line.startswith(("- Tw", "- Galat", "- Terisi")) for line in lines)


# --- rendering every kind ------------------------------------------------------------------------

SAMPLE: dict[str, Any] = {
    "period_id": 3,
    "tahun": 2026,
    "tw": 2,
    "bidang": "PTK",
    "bidang_nama": "Bidang Penempatan",
    "mutu_baku": "10 menit",
    "actor_nama": "Agus",
    "note": None,
    "links": {"PTK": "https://sheets.test/2026/PTK"},
    "deadline": "2026-07-08T08:00:00+07:00",
    "url": "https://sheets.test/2026/PTK",
    "problems": [
        {
            "cell": "M14",
            "column": "Realisasi TW II",
            "row": 14,
            "indikator": "X",
            "severity": "error",
            "message": "bukan angka",
        }
    ],
    "warnings": [],
    "summary": {"jumlah_indikator": 3, "rata_rata_capaian": 80.0},
    "reason": "Perbaiki.",
    "catatan_analisis": "Baik.",
    "by_role": "sekretaris",
    "sop_step": 3,
    "umum": "Umum.",
    "per_bidang": {"PTK": "Khusus."},
    "khusus": "Khusus.",
    "teks": "Sudah.",
    "rekap_url": "https://sheets.test/rekap/2026",
    "archive_url": "https://drive.test/arsip/2026/tw2",
    "hari_kerja_tersisa": -1,
    "state": "diajukan",
    "since": "2026-07-08T08:00:00+07:00",
    "pressed_at": "2026-07-08T08:05:00+07:00",
    "event": "setujui",
    "due_at": "2026-07-08T08:10:00+07:00",
    "holder_role": "kepala_bidang",
    "holder_nama": "Agus",
    "snapshot_hash": "a",
    "sheet_hash": "b",
    "nama": "Rina",
    "role": "staf",
    "kind": "input_opened",
    "error": "blocked",
    "plh_id": 4,
    "acting_nama": "Budi",
    "mulai": "2026-07-06",
    "selesai": "2026-07-10",
    "peristiwa": "diterima",
    "oleh": "Budi",
    "versi": 2,
    "label": "APBD Perubahan",
    "berlaku_mulai": "2026-07-01",
    "mulai_tw": 3,
    "diubah": 3,
    "ditambah": 1,
    "dihapus": 1,
    "sumber": 'lembar kerja "Daftar Induk 2026"',
    "bidang_berubah": [{"kode": "PTK", "nama": "Bidang Penempatan", "diubah": 2, "ditambah": 1, "dihapus": 0}],
    "masalah": [{"cell": "J12", "text": 'Baris 12, kolom Target TW II: "x" bukan angka'}],
    "path": "/etc/kinerja-bot/master/2027.csv",
    "opens_at": "2027-04-01T08:00:00+07:00",
    "problem": 'baris 3: kolom "Target Tahunan" kosong',
    "overdue": False,
    "waiting_for": ["Triwulan IV 2026"],
    "akses": [{"id": "anyoneWithLink", "type": "anyone", "role": "reader", "email": None, "domain": None}],
}


def test_renderer_knows_every_kind(settings: Settings) -> None:
    assert Renderer(settings).kinds() == set(Kind)


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_every_kind_renders_in_indonesian(settings: Settings, kind: Kind) -> None:
    payload = {key: SAMPLE[key] for key in PAYLOAD_KEYS[kind]}
    if kind is Kind.DISTRIBUTION_APPROVAL_REQUEST or kind is Kind.REKOMENDASI_REQUEST:
        payload["bidang"] = ["SEK", "PTK"]
    rendered = Renderer(settings).render(kind, payload, "kasubbag_kpep")
    assert rendered.text and "None" not in rendered.text and "{" not in rendered.text
    if "tw" in payload:
        assert "Triwulan II 2026" in rendered.text
    for row in rendered.keyboard.inline_keyboard if rendered.keyboard else ():
        for button in row:
            if button.url is None:
                decode(button.callback_data)  # every action button carries data the bot can read back


PERIODE = "Triwulan II 2026"
NAMA = "Bidang Penempatan"  # SAMPLE's bidang_nama
LINK = "https://sheets.test/2026/PTK"
REKAP_LINK = "https://sheets.test/rekap/2026"
DEADLINE = "Rabu, 8 Juli 2026 pukul 08.00 WIB"
MB = "10 menit"
REKAP_SUMMARY = {
    "dinas": {"jumlah_indikator": 14, "rata_rata_capaian": 83.875, "predikat": "Tinggi"},
    "bidang": [{"kode_bidang": "PTK", "rata_rata_capaian": 95.5, "predikat": "Sangat Tinggi"}],
}
REKAP_FIGURES = ("Rata-rata capaian: 83,88%", "(PTK): capaian 95,50%, predikat Sangat Tinggi")
LAPORAN, REKAP = texts.BTN_BUKA_LAPORAN, texts.BTN_BUKA_REKAP

# Each message of an SOP step (and each reminder) -> what it must name: the period, the bidang,
# the key figures, and the deadline or the Mutu Baku; and the URL buttons it carries (label, url):
# the sheet, the rekap, a folder. Step 1 has no sheet yet (the workbooks are made when it is
# approved) and names the bidang it will go to, with their folders.
SOP_MESSAGES: list[tuple[Kind, tuple[str, ...], tuple[tuple[str, str], ...]]] = [
    (
        Kind.DISTRIBUTION_APPROVAL_REQUEST,
        (PERIODE, "2 bidang (SEK, PTK)", f"Mutu Baku langkah 1: {MB}"),
        (("Buka folder PTK", "https://drive.google.com/drive/folders/f-ptk"),),
    ),
    (Kind.DISTRIBUTION_DONE, (PERIODE, "1 bidang (PTK)", DEADLINE), (("Buka laporan PTK", LINK),)),
    (Kind.INPUT_OPENED, (PERIODE, NAMA, DEADLINE), ((LAPORAN, LINK),)),
    (Kind.VALIDATION_FAILED, (PERIODE, NAMA, "sel M14 (Realisasi TW II, baris 14)", DEADLINE), ((LAPORAN, LINK),)),
    (
        Kind.KOREKSI_REQUEST,
        (PERIODE, NAMA, "Rata-rata capaian: 80,00%", f"Mutu Baku langkah 3: {MB}"),
        ((LAPORAN, LINK),),
    ),
    (Kind.REPORT_RETURNED, (PERIODE, NAMA, "Alasan: Perbaiki."), ((LAPORAN, LINK),)),
    (Kind.REKAP_DRAFT, (PERIODE, *REKAP_FIGURES, f"Mutu Baku langkah 4: {MB}"), ((REKAP, LINK),)),
    (Kind.TELAAH_REQUEST, (PERIODE, *REKAP_FIGURES, f"Mutu Baku langkah 5: {MB}"), ((REKAP, LINK),)),
    (Kind.TELAAH_KEPALA_DINAS_REQUEST, (PERIODE, *REKAP_FIGURES, f"Mutu Baku langkah 6: {MB}"), ((REKAP, LINK),)),
    (
        Kind.REKOMENDASI_REQUEST,
        (PERIODE, "(SEK, PTK)", *REKAP_FIGURES, f"Mutu Baku langkah 6: {MB}"),
        ((REKAP, LINK),),
    ),
    (Kind.REKOMENDASI_HANDED, (PERIODE, "- PTK: Khusus.", "Langkah 7", "Langkah 8"), ((REKAP, LINK),)),
    (
        Kind.REKOMENDASI_FOR_BIDANG,
        (PERIODE, NAMA, "khusus untuk bidang ini: Khusus.", f"langkah 9: {MB}"),
        ((REKAP, LINK),),
    ),
    (Kind.BIDANG_REOPENED, (PERIODE, NAMA, "Alasan: Perbaiki."), ((LAPORAN, LINK),)),
    (
        Kind.PERIOD_CLOSED,
        (PERIODE, "ditutup dan diarsipkan"),
        ((REKAP, REKAP_LINK), (texts.BTN_BUKA_ARSIP, "https://drive.test/arsip/2026/tw2")),
    ),
    (Kind.DEADLINE_REMINDER, (PERIODE, NAMA, "telah terlampaui 1 hari kerja", DEADLINE), ((LAPORAN, LINK),)),
    (
        Kind.MUTU_BAKU_REMINDER,
        (PERIODE, "Bidang Penempatan Tenaga Kerja", "Langkah 3", DEADLINE, MB),
        ((LAPORAN, LINK),),
    ),
    (
        Kind.MUTU_BAKU_ESCALATION,
        (PERIODE, "Bidang Penempatan Tenaga Kerja", "Kepala Bidang (Agus)", MB),
        ((LAPORAN, LINK),),
    ),
]


def _url_buttons(markup: Any) -> list[tuple[str, str]]:
    return [(b.text, b.url) for row in (markup.inline_keyboard if markup else ()) for b in row if b.url]


@pytest.mark.parametrize(("kind", "expected", "links"), SOP_MESSAGES, ids=[k.value for k, _, _ in SOP_MESSAGES])
def test_every_sop_step_message_names_period_bidang_figures_and_time_and_links_by_button(
    settings: Settings, kind: Kind, expected: tuple[str, ...], links: tuple[tuple[str, str], ...]
) -> None:
    payload = {key: SAMPLE[key] for key in PAYLOAD_KEYS[kind]}
    if kind in (Kind.DISTRIBUTION_APPROVAL_REQUEST, Kind.REKOMENDASI_REQUEST):
        payload["bidang"] = ["SEK", "PTK"]
    if kind is Kind.DISTRIBUTION_APPROVAL_REQUEST:
        payload["format"] = [
            {"kode": "PTK", "nama": NAMA, "folder_url": "https://drive.google.com/drive/folders/f-ptk"}
        ]
    if "summary" in payload and kind is not Kind.KOREKSI_REQUEST:
        payload["summary"] = REKAP_SUMMARY
    role = "sekretaris" if kind is Kind.REKOMENDASI_HANDED else "kasubbag_kpep"
    rendered = Renderer(settings).render(kind, payload, role)
    for fragment in expected:
        assert fragment in rendered.text, (fragment, rendered.text)
    assert "https://" not in rendered.text, rendered.text  # no raw URL in the text: buttons open them
    assert _url_buttons(rendered.keyboard) == list(links)
    rows = rendered.keyboard.inline_keyboard if rendered.keyboard else ()
    for row in rows:  # a URL button never shares a row with an action button
        assert len({button.url is None for button in row}) == 1, row
    if any(button.callback_data for row in rows for button in row):
        assert rows[0][0].url is not None  # the links come first, above the actions


def test_older_outbox_rows_without_the_newer_keys_still_render(settings: Settings) -> None:
    """Rows written before url/deadline/mutu_baku were added to these kinds wait in the outbox."""
    renderer = Renderer(settings)
    older = {
        Kind.VALIDATION_FAILED: {"deadline"},
        Kind.REKOMENDASI_REQUEST: {"url", "summary", "mutu_baku"},
        Kind.REKOMENDASI_FOR_BIDANG: {"url"},
        Kind.MUTU_BAKU_REMINDER: {"url"},
        Kind.MUTU_BAKU_ESCALATION: {"url"},
    }
    for kind, newer in older.items():
        payload = {key: SAMPLE[key] for key in PAYLOAD_KEYS[kind] - newer}
        if kind is Kind.REKOMENDASI_REQUEST:
            payload["bidang"] = ["SEK", "PTK"]
        text = renderer.render(kind, payload, "kepala_dinas").text
        assert PERIODE in text and "None" not in text


def _sample_row(kind: Kind) -> dict[str, Any]:
    """An outbox row of ``kind`` with every key the core writes, from SAMPLE."""
    payload = {key: SAMPLE[key] for key in PAYLOAD_KEYS[kind]}
    if kind in (Kind.DISTRIBUTION_APPROVAL_REQUEST, Kind.REKOMENDASI_REQUEST):
        payload["bidang"] = ["SEK", "PTK"]
    return payload


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_every_payload_round_trips_through_the_outbox_json(kind: Kind) -> None:
    original = PAYLOAD_TYPES[kind](**_sample_row(kind))
    assert payload_from_json(kind, original.as_json()) == original
    assert payload_from_json(kind, json.loads(json.dumps(original.as_json()))) == original


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_unknown_payload_keys_are_ignored(settings: Settings, kind: Kind) -> None:
    row = _sample_row(kind)
    newer = {**row, "added_by_a_newer_version": {"x": 1}}
    assert payload_from_json(kind, newer) == payload_from_json(kind, row)
    renderer = Renderer(settings)
    assert renderer.render(kind, newer, "kasubbag_kpep") == renderer.render(kind, row, "kasubbag_kpep")


def test_older_rows_read_the_missing_newer_keys_as_none_or_empty() -> None:
    row = {key: SAMPLE[key] for key in PAYLOAD_KEYS[Kind.REKOMENDASI_REQUEST] - {"url", "summary", "mutu_baku"}}
    row["bidang"] = ["SEK", "PTK"]
    payload = payload_from_json(Kind.REKOMENDASI_REQUEST, row)
    assert payload == RekomendasiRequest(3, 2026, 2, ["SEK", "PTK"], url=None, summary={}, mutu_baku=None)


def test_a_row_without_a_required_key_is_refused() -> None:
    """Only keys typed ``| None`` (or lists, dicts, defaults) may be missing; ``tw`` never was."""
    row = _sample_row(Kind.INPUT_OPENED)
    del row["tw"]
    with pytest.raises(KeyError, match="tw"):
        payload_from_json(Kind.INPUT_OPENED, row)


def test_buttons_per_kind(settings: Settings) -> None:
    renderer = Renderer(settings)

    def labels(kind: Kind, role: str = "kasubbag_kpep") -> list[str]:
        payload = {key: SAMPLE[key] for key in PAYLOAD_KEYS[kind]}
        rendered = renderer.render(kind, payload, role)
        return [b.text for row in (rendered.keyboard.inline_keyboard if rendered.keyboard else ()) for b in row]

    assert labels(Kind.KOREKSI_REQUEST) == ["Buka laporan", "Setujui", "Kembalikan"]
    assert labels(Kind.REKAP_DRAFT) == ["Buka rekap", "Tambah analisis", "Kirim ke Sekretaris"]
    assert labels(Kind.TELAAH_REQUEST) == ["Buka rekap", "Teruskan ke Kepala Dinas", "Kembalikan"]
    assert labels(Kind.TELAAH_KEPALA_DINAS_REQUEST) == ["Buka rekap", "Setujui", "Kembalikan"]
    assert labels(Kind.REKOMENDASI_FOR_BIDANG) == ["Buka rekap", "Catat tindak lanjut"]
    assert labels(Kind.DINAS_RETURNED) == [
        "Buka kembali SEK",
        "Buka kembali PTK",
        "Tambah analisis",
        "Kirim ke Sekretaris",
    ]
    assert labels(Kind.DINAS_RETURNED, "sekretaris") == []


def test_rekap_figures_accept_list_mapping_and_plain_kodes(settings: Settings) -> None:
    as_list = {"bidang": [{"kode_bidang": "PTK", "rata_rata_capaian": 91.0, "predikat": "Sangat Tinggi"}]}
    as_map = {"bidang": {"PTK": {"capaian": 91.0, "predikat": "Sangat Tinggi"}}}
    for summary in (as_list, as_map):
        figures, _ = rekap_figures(summary, settings)
        assert figures == [
            ("PTK", "Bidang Penempatan Tenaga Kerja dan Perluasan Kesempatan Kerja", 91.0, "Sangat Tinggi", None)
        ]
    assert rekap_figures({"bidang": ["PTK", "SEK"]}, settings) == ([], {})


# --- splitting ------------------------------------------------------------------------------------


@given(st.text(alphabet="ab \né😀", min_size=0, max_size=3000), st.integers(min_value=60, max_value=500))
def test_split_never_cuts(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(utf16_len(p) <= limit for p in parts)
    assert "".join(strip_marker(p) if len(parts) > 1 else p for p in parts) == text


def test_split_numbers_parts_and_prefers_paragraphs() -> None:
    text = "\n\n".join(f"Paragraf {i} " + "x" * 1500 for i in range(5))
    parts = split_text(text)
    assert [p[-12:] for p in parts] == ["(bagian 1/3)", "(bagian 2/3)", "(bagian 3/3)"]
    assert all(strip_marker(p).startswith("Paragraf ") for p in parts)  # cut between paragraphs


# --- chart and rekomendasi -------------------------------------------------------------------------


def test_chart_is_a_png_with_predikat_colours() -> None:
    png = capaian_chart([Bar("PTK", 95.5, "Sangat Tinggi"), Bar("SEK", 40.0, "Sangat Rendah"), Bar("LAT", None, None)])
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (800, 450)
    colours = {c for _, c in image.getcolors(maxcolors=100000)}
    for predikat in ("Sangat Tinggi", "Sangat Rendah"):
        hex_colour = PREDIKAT_COLOURS[predikat]
        assert tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) in colours


def test_parse_rekomendasi() -> None:
    umum, khusus = parse_rekomendasi(
        "Tingkatkan serapan.\nptk: Perluas bursa kerja.\nCatatan: tetap umum\nPTK: Dan pelatihan.", ("SEK", "PTK")
    )
    assert umum == "Tingkatkan serapan.\nCatatan: tetap umum"
    assert khusus == {"PTK": "Perluas bursa kerja. Dan pelatihan."}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            "ZZZ: Perluas bursa kerja.",
            'Baris "ZZZ: Perluas bursa kerja." diawali kode bidang yang tidak dikenal',
            id="unknown-code",
        ),
        pytest.param("HIJ:", 'Baris "HIJ:" tidak berisi rekomendasi untuk bidang HIJ', id="empty-known-code"),
        pytest.param("  hij :  ", 'Baris "hij :" tidak berisi rekomendasi untuk bidang HIJ', id="empty-lowercase"),
    ],
)
def test_a_rekomendasi_line_for_no_bidang_is_refused_not_sent_to_everyone(line: str, expected: str) -> None:
    with pytest.raises(ActionRefused) as refused:
        parse_rekomendasi(f"Tingkatkan serapan.\n{line}", ("SEK", "PTK", "HIJ"))
    assert expected in refused.value.reason
    assert "Rekomendasi belum dicatat" in refused.value.reason


# --- composition root: where the application points -------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "file_url"),
    [
        pytest.param("https://api.telegram.org/bot", "https://api.telegram.org/file/bot", id="telegram"),
        pytest.param("http://127.0.0.1:8765/bot/", "http://127.0.0.1:8765/file/bot", id="sandbox-trailing-slash"),
    ],
)
def test_application_points_at_the_configured_base_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base_url: str, file_url: str
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    settings = edge_settings(base_url.rstrip("/").removesuffix("/bot"), tmp_path / "k.db")
    assert file_base_url(base_url) == file_url
    application = build_application(settings, token="123:abc")
    assert application.bot.base_url == f"{base_url.rstrip('/')}123:abc"
    assert application.bot.base_file_url == f"{file_url}123:abc"


def test_the_bot_api_calls_and_the_long_poll_share_one_tls_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One CA bundle in memory for both of PTB's pools, whose sizes and timeouts stay PTB's defaults."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    settings = edge_settings("http://127.0.0.1:1", tmp_path / "k.db")
    updates, calls = build_application(settings, token="123:abc").bot._request
    default_updates, default_calls = Application.builder().token("123:abc").build().bot._request
    pools = [request._client._transport._pool for request in (updates, calls)]
    assert pools[0]._ssl_context is pools[1]._ssl_context
    for request, default in ((updates, default_updates), (calls, default_calls)):
        assert request._client._transport._pool._max_connections == default._client._transport._pool._max_connections
        assert request._client.timeout == default._client.timeout
        assert request._media_write_timeout == default._media_write_timeout
        assert request.http_version == default.http_version


def test_application_refuses_a_base_url_without_bot_and_a_missing_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(TelegramEdgeError, match="berakhiran /bot"):
        file_base_url("https://api.telegram.org")
    monkeypatch.delenv("KINERJA_TELEGRAM__TOKEN", raising=False)
    settings = edge_settings("http://127.0.0.1:1", tmp_path / "k.db")
    assert settings.telegram.resolved_token() is None
    with pytest.raises(TelegramEdgeError, match="token bot Telegram belum diisi"):
        build_application(settings)


@pytest.mark.parametrize(("setting", "expected"), [(None, 32), (1, 1), (8, 8)], ids=["default", "serial", "eight"])
def test_application_handles_as_many_updates_at_once_as_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: int | None, expected: int
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    overrides = {} if setting is None else {"telegram": {"concurrent_updates": setting}}
    settings = edge_settings("http://127.0.0.1:1", tmp_path / "k.db", **overrides)
    assert settings.telegram.concurrent_updates == expected
    assert build_application(settings, token="123:abc").concurrent_updates == expected


@pytest.mark.parametrize(
    "problem, expected",
    [
        (
            {
                "cell": "R3",
                "column": "Realisasi Anggaran TW I (Rp)",
                "row": 3,
                "indikator": "Pencari kerja ditempatkan",
                "message": "Realisasi Anggaran TW I (Rp), baris 3 (Pencari kerja ditempatkan): belum diisi",
            },
            "- sel R3: Realisasi Anggaran TW I (Rp), baris 3 (Pencari kerja ditempatkan): belum diisi",
        ),
        (
            {
                "cell": "M9",
                "column": "Realisasi TW I",
                "row": 9,
                "indikator": "Pelatihan",
                "message": '"12x" bukan angka',
            },
            '- sel M9 (Realisasi TW I, baris 9) [Pelatihan]: "12x" bukan angka',
        ),
        ({"cell": "A1", "message": "Tab Realisasi tidak ditemukan"}, "- sel A1: Tab Realisasi tidak ditemukan"),
    ],
    ids=["message-names-its-place", "bare-message", "no-column"],
)
def test_problem_line_names_the_place_once(problem: dict[str, Any], expected: str) -> None:
    assert texts.problem_line(problem) == expected


@pytest.mark.parametrize(
    "nama, expected",
    [
        ("Sugeng Riyadi, S.H., M.H.", "disetujui oleh Sugeng Riyadi, S.H., M.H. Sel triwulan"),
        ("Drs. Arief Ridwan, MM", "disetujui oleh Drs. Arief Ridwan, MM. Sel triwulan"),
    ],
    ids=["title-with-period", "title-without-period"],
)
def test_a_name_ending_in_a_period_gets_no_second_one(nama: str, expected: str) -> None:
    text = texts.report_approved(1, 2026, "Bidang Hubungan Industrial", nama)
    assert expected in text and ".." not in text
