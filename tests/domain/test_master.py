"""The master list: the demo CSV loads; a bad list names every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets.capaian import Jenis, Polaritas
from sheets.master import MASTER_COLUMNS, Master, MasterError, load_master

HEADER = ",".join(MASTER_COLUMNS)
GOOD = "SEK,1.01,Program A,Jumlah dokumen,Dokumen,Positif,Kumulatif,4,1,2,3,4,45000000"


def test_demo_master_loads(demo_master: Master) -> None:
    assert len(demo_master) == 28
    assert demo_master.bidang_codes() == ("SEK", "PTK", "LAT", "HIJ")
    first = demo_master.indikator[0]
    assert first.polaritas is Polaritas.POSITIF and first.jenis is Jenis.KUMULATIF
    assert first.target_tw == (1.0, 2.0, 3.0, 4.0) and first.pagu == 45_000_000
    keys = [(item.bidang, item.key) for item in demo_master.indikator]
    assert len(set(keys)) == len(keys)
    frame = demo_master.frame()
    assert list(frame["no"][frame["bidang"] == "PTK"]) == list(range(1, 9))


def write(tmp_path: Path, *lines: str, name: str = "indikator.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


BAD = [
    (
        "missing_column",
        [HEADER.replace(",Satuan", ""), GOOD.replace(",Dokumen", "")],
        'baris 1: kolom "Satuan"',
    ),
    ("bad_polaritas", [HEADER, GOOD.replace("Positif", "Naik")], 'baris 2: Polaritas "Naik" tidak dikenal'),
    (
        "bad_jenis",
        [HEADER, GOOD, GOOD.replace("1.01", "1.02").replace("Kumulatif", "Total")],
        "baris 3: Jenis",
    ),
    ("text_target", [HEADER, GOOD.replace(",4,1,", ",empat,1,")], 'baris 2: kolom "Target Tahunan": "empat"'),
    (
        "negative_pagu",
        [HEADER, GOOD.replace("45000000", "-5")],
        'baris 2: kolom "Pagu Anggaran (Rp)" bernilai negatif',
    ),
    ("empty_kode", [HEADER, GOOD.replace("1.01", "")], 'baris 2: kolom "Kode" kosong'),
    ("empty_target", [HEADER, GOOD.replace(",4,1,", ",,1,")], 'baris 2: kolom "Target Tahunan" kosong'),
    (
        "duplicate",
        [HEADER, GOOD, "", GOOD],
        'baris 4: indikator "Jumlah dokumen" (Kode 1.01) bidang SEK sudah ada di baris 2',
    ),
    ("no_rows", [HEADER], "tidak ada satu pun indikator"),
]


@pytest.mark.parametrize(("lines", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_master_names_the_line(tmp_path: Path, lines: list[str], expected: str) -> None:
    with pytest.raises(MasterError) as caught:
        load_master(write(tmp_path, *lines))
    assert expected in str(caught.value)


def test_every_problem_is_listed(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, GOOD.replace("Positif", "x"), GOOD.replace("1.01", "1.02").replace("Kumulatif", "y"))
    with pytest.raises(MasterError) as caught:
        load_master(path)
    assert len(caught.value.problems) == 2
    assert "tidak dapat dipakai (2 masalah)" in str(caught.value)


def test_unknown_bidang_against_settings(tmp_path: Path) -> None:
    with pytest.raises(MasterError, match='bidang "SEK" tidak dikenal'):
        load_master(write(tmp_path, HEADER, GOOD), bidang_codes={"PTK"})


def test_semicolon_csv_with_indonesian_numbers(tmp_path: Path) -> None:
    header = ";".join(MASTER_COLUMNS)
    row = "SEK;1.01;Program A;Tingkat pengangguran;%;Negatif;Nilai Akhir;4,2;4,2;4,2;4,2;4,2;Rp 1.500.000"
    master = load_master(write(tmp_path, header, row))
    assert master.indikator[0].target_tahunan == 4.2
    assert master.indikator[0].pagu == 1_500_000
    assert master.indikator[0].persen


def test_missing_file_is_a_master_error(tmp_path: Path) -> None:
    with pytest.raises(MasterError, match="berkas tidak ditemukan"):
        load_master(tmp_path / "tidak-ada.csv")
