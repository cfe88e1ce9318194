"""The words of the audit trail (Riwayat) as people read it: each recorded event and who acted.

One home for these labels: the dinas workbook's ``Riwayat`` tab (:mod:`sheets.google.rekap`), the
Laporan Kinerja's appendix (:mod:`sheets.laporan`) and the demo's timeline (``bot/demo``) all name
an event and its actor with them, so nobody reads a code such as ``setujui_distribusi`` or
``kasubbag_kpep``. Pure data: imports nothing.
"""

from __future__ import annotations

__all__ = [
    "EVENT_LABELS",
    "LEWATI_RIWAYAT",
    "PELAKU_SISTEM",
    "ROLE_LABELS",
    "SHEET_ACTOR_SUFFIX",
    "event_label",
    "kegiatan",
    "pelaku",
    "role_label",
]

EVENT_LABELS: dict[str, str] = {
    "mulai_periode": "membuka periode dan meminta persetujuan pembagian format",
    "setujui_distribusi": "menyetujui pembagian format",
    "tunda_distribusi": "menunda pembagian format",
    "nilai_berubah": "mulai mengisi lembar kerja",
    "ajukan": "mengajukan laporan bidang",
    "pengajuan_tidak_valid": "menolak pengajuan: isian belum benar",
    "setujui": "menyetujui laporan bidang (koreksi)",
    "kembalikan": "mengembalikan laporan bidang (koreksi)",
    "buka_kembali": "membuka kembali laporan bidang",
    "semua_bidang_disetujui": "menyusun draf rekap dinas",
    "tambah_analisis": "menambahkan catatan analisis",
    "kirim_ke_sekretaris": "mengirim laporan kepada Sekretaris",
    "teruskan_ke_kepala_dinas": "meneruskan laporan kepada Kepala Dinas",
    "dikembalikan_sekretaris": "mengembalikan laporan kinerja dinas (telaah Sekretaris)",
    "disetujui_kepala_dinas": "menyetujui laporan kinerja dinas",
    "dikembalikan_kepala_dinas": "mengembalikan laporan kinerja dinas (telaah Kepala Dinas)",
    "beri_rekomendasi": "memberikan rekomendasi",
    "serahkan_ke_kasubbag": "menyerahkan laporan dan rekomendasi kepada Kasubbag KPEP",
    "serahkan_ke_bidang": "meneruskan rekomendasi kepada setiap bidang",
    "buka_kembali_bidang": "membuka kembali laporan satu bidang",
    "catat_tindak_lanjut": "mencatat tindak lanjut",
    "tutup": "menutup dan mengarsipkan periode",
    "data_disetujui_berubah": "mendeteksi perubahan data yang telah disetujui",
    "unggah_bukti_dukung": "mengirim bukti dukung melalui Telegram",
    "akses_asing_dihapus": "menghapus akses lembar kerja di luar daftar",
    "akses_asing_tidak_terhapus": "tidak dapat menghapus akses lembar kerja di luar daftar",
    "perubahan_target": "menerapkan perubahan target (APBD Perubahan)",
    "plh_diusulkan": "menunjuk Plh",
    "plh_diterima": "menerima penunjukan Plh",
    "plh_ditolak": "menolak penunjukan Plh",
    "plh_ditetapkan": "menetapkan Plh",
    "plh_dibatalkan": "membatalkan penunjukan Plh",
}
"""Every event the audit trail records -> what it is called, as a sentence uses it ("tindakan (menyetujui
pembagian format) belum berhasil"); a table cell starts it with a capital (:func:`kegiatan`)."""

LEWATI_RIWAYAT = frozenset({"nilai_berubah"})
"""Events noticed in passing by the poll, not steps of the SOP: left out of the Riwayat."""

ROLE_LABELS: dict[str, str] = {
    "kepala_dinas": "Kepala Dinas",
    "sekretaris": "Sekretaris",
    "kasubbag_kpep": "Kasubbag KPEP",
    "kepala_bidang": "Kepala Bidang",
    "staf": "Staf",
    "system": "Kinerja Bot",
}
"""The short role names of the Riwayat (the Telegram texts spell Kasubbag KPEP out in full)."""

PELAKU_SISTEM = ROLE_LABELS["system"]

SHEET_ACTOR_SUFFIX = "(melalui Google Sheets)"
"""Ends the name of staff who submitted through the sheet's ``Status Pengisian`` cell."""
# What every wording of that suffix ends with (audit rows of older versions have another verb).
_SHEET_ACTOR_END = "Google Sheets)"


def event_label(event: str) -> str:
    """What an audit event is called in a sentence (an unknown one spelled out, never its raw code)."""
    return EVENT_LABELS.get(event) or event.replace("_", " ").strip()


def kegiatan(event: str) -> str:
    """An audit event as a table cell names it (the Riwayat tab, the report's appendix, the timeline)."""
    label = event_label(event)
    return label[:1].upper() + label[1:]


def role_label(role: str) -> str:
    """A role as the Riwayat names it: ``Kasubbag KPEP``, ``Kinerja Bot`` for the bot itself."""
    return ROLE_LABELS.get(str(role), str(role).replace("_", " ").title())


def pelaku(role: str, nama: str, bidang: str | None = None, atas_nama: str | None = None) -> str:
    """Who acted: ``Sekretaris (Sri Wahyuni, S.Sos., M.Si.)``, ``Staf PTK (melalui Google Sheets)``.

    ``bidang`` (a kode) follows a Kepala Bidang's or a staff member's role where the reader has no
    Bidang column beside it; the bot itself is just ``Kinerja Bot``. ``atas_nama``: the official an
    acting person (Plh) acted for: ``Plh. Kepala Bidang PTK: Rina (atas nama Agus Priyono, S.H.)``.
    """
    role = str(role)
    if role == "system":
        return PELAKU_SISTEM
    short = role_label(role)
    if role in ("kepala_bidang", "staf") and bidang:
        short = f"{short} {bidang}"
    if atas_nama:
        return f"Plh. {short}: {nama} (atas nama {atas_nama})"
    if nama.endswith(_SHEET_ACTOR_END):
        return f"{short} {SHEET_ACTOR_SUFFIX}"
    return f"{short} ({nama})" if nama else short
