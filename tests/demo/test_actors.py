"""The scenario driver (bot.demo) without a service: the cast, the script, the steps, the waits."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
import yaml

from bot.demo import DEMO_MASTER, DEMO_SETTINGS
from bot.demo.actors import Cast, Office, ScenarioError, WaitTimeout
from bot.demo.filling import load_isian
from bot.demo.paths import ISIAN_DEMO
from bot.demo.quarter import quarter_steps
from bot.demo.scenario import OfficeTime
from bot.demo.script import demo_script
from bot.workflow.calendar import WorkCalendar
from config.settings import Settings, parse_settings
from sandbox.control import SandboxControl
from sheets.master import load_master


def _settings(**changes: Any) -> Settings:
    data = yaml.safe_load(DEMO_SETTINGS.read_text(encoding="utf-8"))
    data["google"]["master_indikator"] = str(DEMO_MASTER)
    for path, value in changes.items():
        node = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[int(key)] if key.isdigit() else node[key]
        node[keys[-1]] = value
    return parse_settings(data, "test")


@pytest.fixture(scope="module")
def settings() -> Settings:
    return _settings()


def test_isian_has_one_entry_per_master_indicator() -> None:
    master = load_master(DEMO_MASTER)
    isian = load_isian(ISIAN_DEMO)
    assert set(isian) == set(master.bidang_codes())
    for kode, entries in isian.items():
        assert [e.indikator for e in entries] == [i.indikator for i in master.for_bidang(kode)], kode
        assert all(e.realisasi for e in entries)  # every realisasi is typed (0 where it is zero)


def test_demo_slips_refer_to_typed_cells() -> None:
    script = demo_script(2026, load_isian(ISIAN_DEMO))
    typo = script.entry(script.salah_ketik)
    assert typo.value(script.salah_ketik.kolom) and script.salah_ketik.ketik != typo.value(script.salah_ketik.kolom)
    assert script.entry(script.terlewat).value(script.terlewat.kolom)  # left out first, typed after the return
    assert set(script.rekomendasi_bidang) == set(script.tindak_lanjut) == {"SEK", "PTK", "LAT", "HIJ"}
    # The photo's link stays: the staff type nothing into that indicator's Bukti Dukung afterwards.
    assert script.bukti_foto is not None
    [photo] = [e for e in script.isian[script.bukti_foto.bidang] if e.indikator == script.bukti_foto.indikator]
    assert photo.bukti == ""


def test_cast_from_the_demo_settings(settings: Settings) -> None:
    cast = Cast.from_settings(settings)
    assert cast.kepala["SEK"] == cast.sekretaris  # the Sekretariat is corrected by the Sekretaris
    assert cast.kepala["PTK"].nama == "Agus Priyono, S.H."
    assert all(person.email for person in cast.staf.values())
    assert len(cast.everyone()) == len({p.telegram_id for p in cast.everyone()}) == 10


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("bidang.1.staf.0.email", None, "email Google belum diisi"),
        ("pejabat.sekretaris.telegram_id", None, "telegram_id belum diisi"),
        ("bidang.2.staf", [], "belum ada staf"),
    ],
    ids=["staff-without-email", "sekretaris-without-telegram", "bidang-without-staff"],
)
def test_cast_refuses_settings_it_cannot_act_with(path: str, value: Any, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        Cast.from_settings(_settings(**{path: value}))


def test_quarter_steps_cover_the_sop_in_office_order(settings: Settings) -> None:
    cast = Cast.from_settings(settings)
    steps = quarter_steps(cast, demo_script(settings.tahun, load_isian(ISIAN_DEMO)))
    assert len({s.key for s in steps}) == len(steps)
    # Steps 7 and 8 are the bot's own; every other step has people acting in it.
    assert {s.sop_step for s in steps} == {1, 2, 3, 4, 5, 6, 9}
    assert steps[0].actor is None and steps[-1].key == "tindak-lanjut-tulis-HIJ"
    calendar = WorkCalendar.of(settings)
    opening = calendar.period_open_at(settings.tahun, 1)
    moments = []
    for step in steps:
        assert step.when is not None
        day = calendar.add_working_days_to_date(opening.date(), step.when.hari_kerja)
        moments.append(datetime(day.year, day.month, day.day, *step.when.clock(), tzinfo=settings.tz))
    assert moments == sorted(moments) and moments[0] == opening


def test_quarter_steps_refuse_both_slips_in_one_bidang(settings: Settings) -> None:
    script = demo_script(settings.tahun, load_isian(ISIAN_DEMO))
    clash = replace(script, terlewat=replace(script.terlewat, bidang=script.salah_ketik.bidang))
    with pytest.raises(ScenarioError, match="bidang yang berbeda"):
        quarter_steps(Cast.from_settings(settings), clash)


@pytest.mark.parametrize(
    ("jam", "expected"), [("08:07", (8, 7, 0)), ("14:59:40", (14, 59, 40))], ids=["minutes", "seconds"]
)
def test_office_time_clock(jam: str, expected: tuple[int, int, int]) -> None:
    assert OfficeTime(0, jam).clock() == expected


def test_wait_nudges_and_times_out_with_what_it_awaited(settings: Settings) -> None:
    nudges: list[int] = []
    office = Office(
        SandboxControl("http://127.0.0.1:9"),
        Cast.from_settings(settings),
        interval=0.01,
        nudge=lambda: nudges.append(1),
        nudge_every=0.0,
    )
    with pytest.raises(WaitTimeout, match="pesan yang tidak pernah datang"):
        office.wait(lambda: None, "pesan yang tidak pernah datang", timeout=0.05)
    assert nudges  # the runner's nudge (e.g. a poll) ran while waiting
    calls = iter([None, None, "ada"])
    assert office.wait(lambda: next(calls), "sesuatu", timeout=5) == "ada"
