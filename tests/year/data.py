"""One budget year worked out by hand: every Jenis Indikator with both polaritas, four TWs.

Two bidang (``SEK`` and ``PTK``, as in the example settings), six indicators. The realisasi and
realisasi anggaran each bidang reports per TW are below, and every figure the year produces was
computed by hand from DESIGN.md section 4 (the comment beside each says how); the domain, the
workflow and the end-to-end tests compare with these, never with the code's own arithmetic.
"""

from __future__ import annotations

from sheets.master import MASTER_COLUMNS, Master, parse_master

# (bidang, Kode, programme, indicator, unit, polaritas, jenis, target tahunan, TW targets, pagu)
MASTER_ROWS: list[list[object]] = [
    list(MASTER_COLUMNS),
    [
        "SEK",
        "1.01",
        "Perencanaan",
        "Dokumen perencanaan disusun",
        "Dokumen",
        "Positif",
        "Kumulatif",
        100,
        25,
        50,
        75,
        100,
        1000000,
    ],
    [
        "SEK",
        "1.02",
        "Perencanaan",
        "Tingkat pengangguran terbuka",
        "%",
        "Negatif",
        "Nilai Akhir",
        10,
        12,
        11,
        10.5,
        10,
        0,
    ],
    [
        "PTK",
        "2.01",
        "Penempatan",
        "Rata-rata pencari kerja terlayani per bulan",
        "Orang",
        "Positif",
        "Rata-rata",
        80,
        "",
        "",
        "",
        "",
        500000,
    ],
    [
        "PTK",
        "2.02",
        "Penempatan",
        "Kasus penempatan bermasalah",
        "Kasus",
        "Negatif",
        "Kumulatif",
        40,
        10,
        20,
        30,
        40,
        0,
    ],
    [
        "PTK",
        "2.03",
        "Penempatan",
        "Persentase lowongan terisi",
        "%",
        "Positif",
        "Nilai Akhir",
        100,
        100,
        100,
        100,
        100,
        200000,
    ],
    ["PTK", "2.04", "Penempatan", "Rata-rata hari proses AK1", "Hari", "Negatif", "Rata-rata", 5, "", "", "", "", 0],
]

# Realisasi per TW, in the master's order per bidang (a submission must report every realisasi).
REALISASI: dict[str, list[list[float | None]]] = {
    "SEK": [[20, 30, 20, 40], [12, 11.5, 10.5, 9]],
    "PTK": [[60, 100, 70, 90], [5, 10, 20, 15], [40, 60, 80, 95], [6, 4, 5, 3]],
}
# Realisasi anggaran per TW (Rp; None: not reported).
ANGGARAN: dict[str, list[list[float | None]]] = {
    "SEK": [[100000, 200000, 300000, 300000], [None, None, None, None]],
    "PTK": [[250000, None, 100000, 50000], [None, None, None, None], [50000, 50000, 50000, 50000], [None] * 4],
}

# Capaian (%) per indicator per TW, each against that TW's cumulative target:
CAPAIAN_TW: dict[str, list[list[float | None]]] = {
    "SEK": [
        # Kumulatif Positif: sums 20, 50, 70, 110 against 25, 50, 75, 100
        [80.0, 100.0, 70 / 75 * 100, 110.0],
        # Nilai Akhir Negatif: the TW's own value 12, 11.5, 10.5, 9 (not a sum) against 12, 11, 10.5, 10;
        # (2T - R) / T: 12/12, 10.5/11, 10.5/10.5, 11/10
        [100.0, 10.5 / 11 * 100, 100.0, 110.0],
    ],
    "PTK": [
        # Rata-rata Positif: means 60, 80, 76.67, 80 against the annual 80 (no TW targets)
        [75.0, 100.0, (230 / 3) / 80 * 100, 100.0],
        # Kumulatif Negatif: sums 5, 15, 35, 50 against 10, 20, 30, 40: 15/10, 25/20, 25/30, 30/40
        [150.0, 125.0, 25 / 30 * 100, 75.0],
        # Nilai Akhir Positif: 40, 60, 80, 95 against 100
        [40.0, 60.0, 80.0, 95.0],
        # Rata-rata Negatif: means 6, 5, 5, 4.5 against 5: (10 - 6)/5, 5/5, 5/5, 5.5/5
        [80.0, 100.0, 100.0, 110.0],
    ],
}

# The year per indicator: (realisasi tahunan, capaian tahunan against the Target Tahunan, predikat,
# realisasi anggaran of the year, serapan).
TAHUNAN: dict[str, list[tuple[float, float, str, float | None, float | None]]] = {
    "SEK": [
        (110.0, 110.0, "Sangat Tinggi", 900000.0, 90.0),  # 900.000 of 1.000.000
        (9.0, 110.0, "Sangat Tinggi", None, None),  # pagu 0: no serapan
    ],
    "PTK": [
        (80.0, 100.0, "Sangat Tinggi", 400000.0, 80.0),  # 250.000 + 100.000 + 50.000 of 500.000
        (50.0, 75.0, "Sedang", None, None),  # (80 - 50) / 40: just below Tinggi (76)
        (95.0, 95.0, "Sangat Tinggi", 200000.0, 100.0),
        (4.5, 110.0, "Sangat Tinggi", None, None),
    ],
}

# Per bidang for the year: (average capaian, predikat, count per predikat ST/T/S/R/SR, pagu,
# realisasi anggaran, serapan, average capaian per TW I-IV).
BIDANG: dict[str, tuple[float, str, tuple[int, int, int, int, int], float, float, float, list[float]]] = {
    "SEK": (
        110.0,
        "Sangat Tinggi",
        (2, 0, 0, 0, 0),
        1000000.0,
        900000.0,
        90.0,
        [90.0, (100 + 10.5 / 11 * 100) / 2, (70 / 75 * 100 + 100) / 2, 110.0],
    ),
    "PTK": (
        95.0,  # (100 + 75 + 95 + 110) / 4
        "Sangat Tinggi",
        (3, 0, 1, 0, 0),
        700000.0,
        600000.0,
        600000 / 700000 * 100,
        [86.25, 96.25, ((230 / 3) / 80 * 100 + 25 / 30 * 100 + 80 + 100) / 4, 95.0],
    ),
}

# The whole dinas: the average of the six indicators' capaian for the year and per TW.
DINAS_TAHUNAN = 100.0  # (110 + 110 + 100 + 75 + 95 + 110) / 6
DINAS_TREN = [sum(CAPAIAN_TW[k][i][tw] for k in CAPAIAN_TW for i in range(len(CAPAIAN_TW[k]))) / 6 for tw in range(4)]
DINAS_SERAPAN = 1500000 / 1700000 * 100  # (900.000 + 600.000) of (1.000.000 + 700.000)


def master() -> Master:
    """The year's master list."""
    return parse_master(MASTER_ROWS, "tahun-uji")


def master_csv() -> str:
    """The year's master list as the CSV the admin provides."""
    lines = []
    for row in MASTER_ROWS:
        lines.append(",".join(f'"{cell}"' if "," in str(cell) else str(cell) for cell in row))
    return "\n".join(lines) + "\n"


def snapshot_values(kode: str, tw: int) -> dict[str, object]:
    """The approved values of bidang ``kode`` for TW ``tw`` as the store keeps them (snapshot form)."""
    items = master().for_bidang(kode)
    return {
        "indikator": {
            item.key: {
                "realisasi": REALISASI[kode][i][tw - 1],
                "anggaran": ANGGARAN[kode][i][tw - 1],
                "kendala": None,
            }
            for i, item in enumerate(items)
        }
    }
