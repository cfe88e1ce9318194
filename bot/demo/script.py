"""The content of one quarter: what each bidang types, the slips people make, what the officials write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.demo.actors import ScenarioError
from bot.demo.filling import Entry, Kolom

__all__ = ["BuktiFoto", "Correction", "QuarterScript", "demo_script"]


@dataclass(frozen=True)
class Correction:
    """A cell a staff member first types as ``ketik`` and later corrects to the isian's value."""

    bidang: str
    indikator: str
    kolom: Kolom
    ketik: str


@dataclass(frozen=True)
class BuktiFoto:
    """A photo a staff member sends the bot as bukti dukung of one indicator (picked from the buttons)."""

    bidang: str
    indikator: str


@dataclass(frozen=True)
class QuarterScript:
    """The content of one quarter: what each bidang types, the slips, and what the officials write."""

    tahun: int
    tw: int
    isian: Mapping[str, tuple[Entry, ...]]
    salah_ketik: Correction
    """A typing error the bot catches on submission (the staff then fixes it)."""
    terlewat: Correction
    """A cell the staff leaves out; the Kepala Bidang returns the report with ``alasan_kepala_bidang``."""
    alasan_kepala_bidang: str
    catatan_analisis: str
    alasan_sekretaris: str
    catatan_analisis_revisi: str
    rekomendasi_umum: str
    rekomendasi_bidang: Mapping[str, str]
    tindak_lanjut: Mapping[str, str]
    kirim_lewat_telegram: frozenset[str] = frozenset()
    """Bidang whose staff submit with /kirim in Telegram instead of the sheet's Status Pengisian."""
    bukti_foto: BuktiFoto | None = None
    """A photo sent as bukti dukung before its bidang fills the sheet (that indicator's Bukti left empty)."""

    def entry(self, correction: Correction) -> Entry:
        """The isian entry a correction is about."""
        for entry in self.isian[correction.bidang]:
            if entry.indikator == correction.indikator:
                return entry
        raise ScenarioError(f"{correction.bidang}: indikator {correction.indikator!r} tidak ada di isian")

    def rekomendasi_text(self) -> str:
        """The Kepala Dinas's reply: general lines, then ``KODE: teks`` per bidang."""
        lines = [self.rekomendasi_umum, *(f"{kode}: {teks}" for kode, teks in self.rekomendasi_bidang.items())]
        return "\n".join(lines)


def demo_script(tahun: int, isian: Mapping[str, tuple[Entry, ...]], tw: int = 1) -> QuarterScript:
    """The demo's quarter: HIJ mistypes a percentage, PTK leaves out one realisasi anggaran, SEK sends a
    photo as bukti dukung."""
    return QuarterScript(
        tahun=tahun,
        tw=tw,
        isian=isian,
        salah_ketik=Correction(
            "HIJ", "Persentase kasus perselisihan hubungan industrial yang diselesaikan", "realisasi", "87,5x"
        ),
        terlewat=Correction("PTK", "Jumlah pencari kerja yang ditempatkan", "anggaran", ""),
        alasan_kepala_bidang=(
            "Realisasi anggaran Pelayanan Antarkerja (pencari kerja yang ditempatkan) belum diisi; "
            "mohon dilengkapi sesuai SP2D triwulan ini."
        ),
        catatan_analisis=(
            "Capaian dinas tergolong tinggi. Pelatihan berbasis kompetensi baru mencapai separuh target "
            "karena dua paket pelatihan dijadwalkan ulang."
        ),
        alasan_sekretaris=(
            "Mohon analisis dilengkapi dengan langkah percepatan untuk indikator pelatihan yang capaiannya "
            "rendah serta serapan anggarannya."
        ),
        catatan_analisis_revisi=(
            "Capaian dinas tergolong tinggi. Pelatihan berbasis kompetensi baru 50% dari target TW I karena dua "
            "paket (menjahit dan las) dijadwalkan ulang ke April; Bidang Pelatihan menyiapkan instruktur "
            "pengganti sehingga target semester I tetap dapat dicapai. Serapan anggaran dinas sesuai jadwal "
            "kas triwulan I."
        ),
        rekomendasi_umum="Pertahankan ketepatan waktu pelaporan dan lengkapi bukti dukung setiap indikator.",
        rekomendasi_bidang={
            "SEK": "Percepat penyelesaian diklat teknis ASN yang tertunda pada triwulan II.",
            "PTK": "Perkuat kemitraan dengan perusahaan untuk persiapan bursa kerja bulan Mei.",
            "LAT": "Jadwalkan ulang dua paket pelatihan pada awal April dan siapkan instruktur pengganti.",
            "HIJ": "Dorong dua perusahaan yang tertunda agar segera membentuk LKS Bipartit.",
        },
        tindak_lanjut={
            "SEK": "Diklat teknis susulan dijadwalkan pada 21-23 April 2026 bersama BPSDM Provinsi.",
            "PTK": "Undangan kemitraan bursa kerja telah dikirim kepada 45 perusahaan.",
            "LAT": "Pelatihan menjahit dan las dimulai 13 April 2026 dengan instruktur dari BLK Madiun.",
            "HIJ": "Pendampingan pembentukan LKS Bipartit dijadwalkan pada minggu kedua April 2026.",
        },
        kirim_lewat_telegram=frozenset({"LAT"}),
        bukti_foto=BuktiFoto("SEK", "Persentase gaji dan tunjangan ASN yang dibayarkan tepat waktu"),
    )
