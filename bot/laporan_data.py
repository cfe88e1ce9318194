"""The Laporan Kinerja of a period from the state store: gather the plain data, build the PDF, write it.

Reads the store only through :class:`bot.store.repository.Tx`'s public methods (the period, the
approved snapshots of the year up to its TW, the rekomendasi, the tindak lanjut, the audit rows)
and the settings (dinas identity, officials with NIP, Mutu Baku, master list, time zone); the
report itself is :func:`sheets.laporan.build_laporan`, which knows nothing of the bot.

Used by ``python -m bot export --laporan``; the workflow (draft to the Kepala Dinas at step 6,
upload at the close) can call :func:`laporan_input` / :func:`laporan_pdf` the same way.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.store.repository import Store
from bot.workflow.master_versions import masters_by_tw, target_labels, versions_from_rows
from config.settings import Orang, Settings
from sheets.laporan import (
    Identitas,
    LaporanInput,
    Pejabat,
    Rekomendasi,
    Riwayat,
    Snapshot,
    TindakLanjut,
    build_laporan,
    nama_berkas,
    rekap_dari_snapshot,
)
from sheets.master import Master, load_master

__all__ = ["LaporanTidakTersedia", "laporan_input", "laporan_pdf", "write_laporan"]

logger = logging.getLogger(__name__)


class LaporanTidakTersedia(Exception):
    """The report cannot be written for this period; the message says why, in Indonesian."""


def _pejabat(orang: Orang) -> Pejabat:
    return Pejabat(orang.nama, orang.nip)


def _logo(settings: Settings, warn: Callable[[str], object]) -> bytes | None:
    path = settings.dinas.logo_file
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as err:
        warn(f"Logo {path} tidak dapat dibaca ({err.strerror}); kop laporan dibuat tanpa logo.")
        return None


def laporan_input(
    settings: Settings,
    store: Store,
    tahun: int,
    tw: int,
    *,
    master: Master | None = None,
    dibuat: datetime | None = None,
    warn: Callable[[str], object] = logger.warning,
) -> LaporanInput:
    """The plain input of the period's report, read from the store in one transaction.

    Raises :class:`LaporanTidakTersedia` when the period is unknown or has no approved data yet.
    """
    label = f"Triwulan {('I', 'II', 'III', 'IV')[tw - 1]} {tahun}"
    with store.read() as tx:
        period = tx.find_period(tahun, tw)
        if period is None:
            raise LaporanTidakTersedia(f"Periode {label} belum dimulai (tidak ada di basis data).")
        snapshot_rows = tx.snapshots_of_year(tahun, tw)
        rekomendasi_rows = tx.rekomendasi_of(period.id)
        tindak_rows = tx.tindak_lanjut_of(period.id)
        audit_rows = tx.audit_rows(period.id)
        versions = versions_from_rows(tx.master_versions(tahun))
    snapshots = tuple(Snapshot(r.bidang, r.tw, r.values) for r in snapshot_rows)
    if not any(s.tw == tw for s in snapshots):
        raise LaporanTidakTersedia(
            f"Belum ada laporan bidang yang disetujui pada {label}; Laporan Kinerja belum dapat disusun."
        )
    names = {b.kode: b.nama for b in settings.bidang}
    masters = masters_by_tw(versions) if master is None else {}
    if master is None and versions:
        master = masters.get(tw, versions[-1].master)
    if master is None:
        # The report covers the bidang with approved data; the master list's match with the
        # settings is the Google edge's and doctor's check (a mismatch must not cost the archive).
        path = settings.master_path(tahun)
        if path is None:
            raise LaporanTidakTersedia(f"Daftar induk indikator {label} belum tersimpan di basis data.")
        master = load_master(path)
    rekap = rekap_dari_snapshot(master, snapshots, names, tw, masters=masters)
    return LaporanInput(
        identitas=Identitas(
            kabupaten=settings.dinas.kabupaten,
            nama_dinas=settings.dinas.nama,
            alamat=settings.dinas.alamat,
            logo=_logo(settings, warn),
        ),
        tahun=tahun,
        tw=tw,
        rekap=rekap,
        bidang=names,
        kepala_dinas=_pejabat(settings.pejabat.kepala_dinas),
        sekretaris=_pejabat(settings.pejabat.sekretaris),
        kasubbag_kpep=_pejabat(settings.pejabat.kasubbag_kpep),
        catatan_analisis=period.catatan_analisis,
        rekomendasi=tuple(Rekomendasi(tw, r.bidang, r.teks, r.created_at) for r in rekomendasi_rows),
        tindak_lanjut=tuple(TindakLanjut(tw, r.bidang, r.teks, r.created_at) for r in tindak_rows),
        riwayat=tuple(
            Riwayat(
                sop_step=a.sop_step or 0,
                actor_role=a.actor_role,
                actor_nama=a.actor_nama,
                event=a.event,
                bidang=a.bidang,
                at=a.at,
                duration_seconds=a.duration_seconds,
                mutu_baku_seconds=a.mutu_baku_seconds,
                within=a.within,
                reason=a.reason,
                note=a.note,
                atas_nama=a.atas_nama,
            )
            for a in audit_rows
        ),
        mutu_baku={step: str(settings.mutu_baku.for_step(step)) for step in range(1, 10)},
        zona_waktu=settings.zona_waktu,
        dibuat=dibuat or datetime.now(UTC),
        target_label=target_labels(versions).get(tw),
    )


def laporan_pdf(
    settings: Settings,
    store: Store,
    tahun: int,
    tw: int,
    *,
    master: Master | None = None,
    dibuat: datetime | None = None,
) -> bytes:
    """The period's Laporan Kinerja as PDF bytes (see :func:`laporan_input`)."""
    return build_laporan(laporan_input(settings, store, tahun, tw, master=master, dibuat=dibuat))


def write_laporan(
    settings: Settings,
    store: Store,
    tahun: int,
    tw: int,
    out_dir: Path,
    *,
    warn: Callable[[str], object] = logger.warning,
) -> Path:
    """Write ``laporan-<tahun>-TW<n>.pdf`` into ``out_dir`` (created if missing), atomically; its path."""
    pdf = build_laporan(laporan_input(settings, store, tahun, tw, warn=warn))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / nama_berkas(tahun, tw)
    handle, temporary = tempfile.mkstemp(prefix=".laporan-", suffix=".pdf", dir=out_dir)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(pdf)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
