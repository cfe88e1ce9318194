"""``python -m bot export --laporan``: the Laporan Kinerja PDF of a period, written from the store.

The period is moved through the whole SOP by the real workflow service over the sandbox (the
CLI tests' ``office``), closed, and then exported; the PDF is read back with pypdf.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from bot.workflow.machine import DinasState
from tests.cli.conftest import KEPALA, SEKRETARIS, Cli, Office

KEPALA_DINAS = 100000001
KASUBBAG = 100000003
UMUM = "Percepat serapan anggaran pada TW II."
KHUSUS = "Perluas kerja sama bursa kerja dengan perusahaan daerah."


def _close_period(cli: Cli, office: Office) -> int:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    office.approve_distribution()
    office.collect_everything()
    service, period_id = office.service, office.period_id()
    service.add_analysis_note(office.actor(KASUBBAG), period_id, "Capaian TW I baik; serapan masih rendah.")
    service.submit_to_sekretaris(office.actor(KASUBBAG), period_id)
    service.forward_to_kepala_dinas(office.actor(SEKRETARIS), period_id)
    service.approve_by_kepala_dinas(office.actor(KEPALA_DINAS), period_id)
    service.give_rekomendasi(office.actor(KEPALA_DINAS), period_id, UMUM, {"PTK": KHUSUS})
    for kode, telegram_id in KEPALA.items():
        service.record_tindak_lanjut(office.actor(telegram_id), period_id, kode, f"Tindak lanjut bidang {kode}.")
    assert service.period_view(period_id).state == DinasState.CLOSED
    return period_id


def _text(path: Path) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return len(reader.pages), " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_export_laporan_of_a_closed_period(cli: Cli, office: Office, tmp_path: Path) -> None:
    _close_period(cli, office)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 50), (20, 90, 160)).save(logo)
    config = cli.write_config({"dinas": {"alamat": "Jl. Contoh No. 1, Magetan", "logo_file": str(logo)}}, "kop.yaml")
    cli.control.reset_stats()
    out_dir = tmp_path / "laporan"
    code, out, err = cli.run("export", "--triwulan", "1", "--laporan", "--out", str(out_dir), config=config)
    assert code == 0, err
    target = out_dir / "laporan-2026-TW1.pdf"
    assert sorted(p.name for p in out_dir.iterdir()) == ["laporan-2026-TW1.pdf"]
    assert f"Laporan Kinerja Triwulan I 2026 ditulis ke {target}" in out and " KB)." in out
    assert not cli.control.google_methods()  # built from the store alone
    pages, text = _text(target)
    assert f"Halaman 1 dari {pages}" in text and f"Halaman {pages} dari {pages}" in text
    assert "PEMERINTAH KABUPATEN MAGETAN" in text and "Jl. Contoh No. 1, Magetan" in text
    assert UMUM in text and KHUSUS in text and "Tindak lanjut bidang HIJ." in text
    assert "Capaian TW I baik; serapan masih rendah." in text
    assert "Disetujui oleh Kepala Dinas, Drs. Arief Ridwan, MM (NIP 19660516 198603 1 005), pada " in text
    assert "DRAF" not in text
    for kode in ("SEK", "PTK", "LAT", "HIJ"):
        assert f"({kode})" in text
    assert "Menutup dan mengarsipkan periode" in text and "Mencatat tindak lanjut" in text
    assert len(PdfReader(target).pages[0].images) == 2  # the logo and the chart


def test_export_laporan_refuses_a_period_without_approved_data(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli.run("export", "--triwulan", "2", "--laporan", "--out", str(tmp_path / "x"))
    assert code == 2 and "Periode Triwulan II 2026 belum dimulai" in err
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    code, _, err = cli.run("export", "--triwulan", "1", "--laporan", "--out", str(tmp_path / "x"))
    assert code == 2 and "Belum ada laporan bidang yang disetujui pada Triwulan I 2026" in err
    assert "Traceback" not in err and not (tmp_path / "x").exists()


def test_a_missing_logo_is_a_warning_not_a_failure(cli: Cli, office: Office, tmp_path: Path) -> None:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    office.approve_distribution()
    office.collect_everything()  # analysis: a draft the Kepala Dinas has not approved
    config = cli.write_config({"dinas": {"logo_file": str(tmp_path / "tidak-ada.png")}}, "logo.yaml")
    code, _, err = cli.run("export", "--triwulan", "1", "--laporan", "--out", str(tmp_path / "draf"), config=config)
    assert code == 0 and "tidak dapat dibaca" in err and "tanpa logo" in err
    _, text = _text(tmp_path / "draf" / "laporan-2026-TW1.pdf")
    assert "DRAF - BELUM DISETUJUI KEPALA DINAS" in text and "Belum ditelaah Sekretaris." in text
