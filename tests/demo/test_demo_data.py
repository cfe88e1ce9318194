"""The demo's sample data (config/demo/): valid settings and a plausible master list of the urusan tenaga kerja."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.demo import DEMO_MASTER, DEMO_SETTINGS
from config.settings import load_settings
from sheets.master import Master, load_master

# The programmes of urusan 2.07 (tenaga kerja) a regency's labour office runs, by code prefix.
PROGRAMS = {
    "2.07.01": "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
    "2.07.02": "Program Perencanaan Tenaga Kerja",
    "2.07.03": "Program Pelatihan Kerja dan Produktivitas Tenaga Kerja",
    "2.07.04": "Program Penempatan Tenaga Kerja",
    "2.07.05": "Program Hubungan Industrial",
}
# Which programmes each unit runs.
BIDANG_PROGRAMS = {"SEK": {"2.07.01"}, "PTK": {"2.07.02", "2.07.04"}, "LAT": {"2.07.03"}, "HIJ": {"2.07.05"}}


@pytest.fixture(scope="module")
def master() -> Master:
    return load_master(DEMO_MASTER)


def test_demo_settings_load_with_the_four_units() -> None:
    settings = load_settings(DEMO_SETTINGS)
    assert settings.dinas.nama == "Dinas Tenaga Kerja Kabupaten Magetan"
    assert [b.kode for b in settings.bidang] == ["SEK", "PTK", "LAT", "HIJ"]
    assert settings.google.master_indikator == DEMO_MASTER
    people = [settings.pejabat.kepala_dinas, settings.pejabat.sekretaris, settings.pejabat.kasubbag_kpep]
    for bidang in settings.bidang:
        people += [p for p in (bidang.kepala, *bidang.staf) if p is not None]
        assert {str(s.email) for s in bidang.staf} <= set(map(str, bidang.editor))
    assert all(p.telegram_id and p.email for p in people)


def test_master_has_enough_indicators_of_every_kind(master: Master) -> None:
    assert len(master) >= 24
    assert set(master.bidang_codes()) == set(BIDANG_PROGRAMS)
    assert Counter(str(i.polaritas) for i in master.indikator).keys() == {"Positif", "Negatif"}
    assert Counter(str(i.jenis) for i in master.indikator).keys() == {"Kumulatif", "Nilai Akhir", "Rata-rata"}
    assert all(len(master.for_bidang(kode)) >= 5 for kode in BIDANG_PROGRAMS)


@pytest.mark.parametrize("kode", sorted(BIDANG_PROGRAMS))
def test_master_codes_sit_under_the_standard_programmes(master: Master, kode: str) -> None:
    for item in master.for_bidang(kode):
        program = item.kode[:7]
        assert program in PROGRAMS, item.kode
        assert program in BIDANG_PROGRAMS[kode], (kode, item.kode)
        assert item.kode.count(".") == 5 and item.program


@pytest.mark.parametrize("kode", sorted(BIDANG_PROGRAMS))
def test_master_targets_and_budgets_are_plausible(master: Master, kode: str) -> None:
    items = master.for_bidang(kode)
    for item in items:
        targets = list(item.target_tw)
        if str(item.jenis) == "Kumulatif":
            assert targets == sorted(targets) and targets[-1] == item.target_tahunan, item.indikator
        else:
            assert targets[-1] == item.target_tahunan, item.indikator
        if item.persen:
            assert 0 < item.target_tahunan <= 100, item.indikator
        assert item.pagu is not None and item.pagu >= 0
    assert sum(item.pagu or 0 for item in items) >= 100_000_000  # every unit spends at least Rp 100 juta
