"""The benchmarks: ``python -m benchmarks --cepat`` end to end, and the rekap's two implementations agree.

No timing is asserted anywhere: figures belong to the benchmark's output, not to pass/fail.
What is checked is the shape of results.json, that every figure with a peer carries its ratio,
the deterministic request counts, and that the row-by-row rekap (the aggregation's peer) gives
the same figures as the vectorised one on random small cases.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import store
from benchmarks.__main__ import main
from benchmarks.common import CEPAT
from benchmarks.postgres import PostgresUnavailable
from benchmarks.rekap import generated
from benchmarks.rekap_rows import assert_same, build_rekap_rows, plain_tables
from sheets.aggregate import build_rekap
from sheets.capaian import Jenis, Polaritas
from sheets.master import Indikator, Master

BENCHMARKS = {"poll", "regency", "distribution", "rekap", "chat", "memory", "laporan", "store"}
WITH_PEER = ("poll", "distribution", "laporan", "store")  # the others: see their own tests
FIGURE_KEYS = {"name", "params", "unit", "product", "peer", "ratio", "target", "meets_target", "target_rule", "note"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """results.json and the printed table of one ``--cepat`` run."""
    out = tmp_path_factory.mktemp("benchmarks") / "results.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--cepat", "--out", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8")), printed.getvalue()


def figures(document: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return list(document["benchmarks"][name]["figures"])


def test_document_names_date_mode_and_machine(run: tuple[dict[str, Any], str]) -> None:
    document, _ = run
    assert document["schema"] == 1 and document["mode"] == "cepat"
    assert datetime.fromisoformat(document["date"]).tzinfo is not None
    assert document["duration_seconds"] > 0
    host = document["machine"]
    assert host["cpu_model"] and host["cores"] >= 1 and host["ram_gib"] > 0
    assert host["python"].split()[-1].count(".") == 2
    assert host["packages"]["pandas"] == pd.__version__
    assert host["packages"]["python-telegram-bot"]
    assert "peer / product" in document["ratio"]


def test_every_benchmark_has_figures_of_the_same_shape(run: tuple[dict[str, Any], str]) -> None:
    document, _ = run
    assert set(document["benchmarks"]) == BENCHMARKS
    for name, benchmark in document["benchmarks"].items():
        assert benchmark["title"] and benchmark["product"] and benchmark["peer"], name
        assert benchmark["figures"], name
        for figure in benchmark["figures"]:
            assert set(figure) == FIGURE_KEYS, (name, figure)
            assert isinstance(figure["product"], int | float) and figure["product"] >= 0, (name, figure)


@pytest.mark.parametrize("name", WITH_PEER)
def test_every_figure_has_its_peer_and_ratio(run: tuple[dict[str, Any], str], name: str) -> None:
    for figure in figures(run[0], name):
        assert figure["peer"] is not None, figure
        assert figure["ratio"] is not None and math.isfinite(figure["ratio"]), figure
        assert figure["ratio"] == pytest.approx(figure["peer"] / figure["product"]), figure


@pytest.mark.parametrize(("peer", "per_workbook"), [("tutorial", 5), ("careful", 2)], ids=["tutorial", "careful"])
def test_poll_requests_are_one_plus_k_against_each_peer(
    run: tuple[dict[str, Any], str], peer: str, per_workbook: int
) -> None:
    counts = [
        f
        for f in figures(run[0], "poll")
        if f["unit"] == "requests" and ("careful" in f["name"]) == (peer == "careful")
    ]
    assert {f["params"]["k"] for f in counts} == {0, 1, 3}
    for figure in counts:
        assert figure["product"] == 1 + figure["params"]["k"] and figure["meets_target"] is True
        assert figure["peer"] == per_workbook * figure["params"]["N"]


def test_rekap_draft_and_write_at_every_size_against_the_careful_user(run: tuple[dict[str, Any], str]) -> None:
    rekap = figures(run[0], "rekap")
    whole = next(f for f in rekap if f["name"] == "draft rekap, whole (store read to requests ready)")
    assert whole["params"] == {"bidang": CEPAT.regency_bidang, "indikator": CEPAT.regency_indikator, "tw": 4}
    assert whole["target"] == 2000 and whole["product"] > 0
    sizes = [*CEPAT.write_rows, CEPAT.regency_bidang * CEPAT.regency_indikator]
    writes = [f for f in rekap if f["name"].startswith("Google requests to write the dinas workbook")]
    assert [f["params"]["indikator_rows"] for f in writes] == sizes
    for figure in writes:  # run, not extrapolated: nothing refused at these sizes
        assert figure["note"] == "" and figure["peer"] > figure["product"] > 2, figure
    rewrites = [f for f in rekap if f["name"] == "Google requests to rewrite the dinas workbook"]
    assert [f["product"] for f in rewrites] == [2] * len(sizes)
    bodies = [f for f in rekap if f["name"] == "largest request body writing the dinas workbook"]
    assert len(bodies) == len(sizes) and all(f["meets_target"] is True and f["peer"] > 0 for f in bodies)
    assert "checked equal" in " ".join(run[0]["benchmarks"]["rekap"]["notes"])


def test_regency_polls_under_the_quota_without_a_refusal(run: tuple[dict[str, Any], str]) -> None:
    regency = figures(run[0], "regency")
    n = CEPAT.regency_bidang
    refusals = [f for f in regency if "quota refusals" in f["name"]]
    assert {f["name"].split(":")[0] for f in refusals} == {"first poll", "k=0", "k=1", f"k={n}"}
    assert all(f["product"] == 0 and f["meets_target"] is True for f in refusals)
    requests = {f["name"]: f for f in regency if f["unit"] == "requests"}
    assert requests["k=0: Google requests"]["product"] == 1 and requests["k=1: Google requests"]["product"] == 2
    tutorial = requests[f"k={n}: Google requests, against the tutorial gspread user (1 cycle)"]
    careful = requests[f"k={n}: Google requests, against the careful gspread user (1 cycle)"]
    assert tutorial["peer"] == 5 * n and careful["peer"] == 2 * n and tutorial["product"] == 1 + n
    assert "quota limits in force: 60 reads" in " ".join(run[0]["benchmarks"]["regency"]["notes"])


def _by_name(document: dict[str, Any], benchmark: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in figures(document, benchmark)}


def test_chat_measures_the_product_against_the_floor_in_the_same_run(run: tuple[dict[str, Any], str]) -> None:
    chat = _by_name(run[0], "chat")
    lone = chat["press -> edited message, one press alone (median)"]
    assert lone["params"] == {"presses": CEPAT.chat_lone, "at_once": False}
    assert lone["target_rule"] == "<= 1.2 x peer" and lone["target"] == pytest.approx(1.2 * lone["peer"], abs=0.1)
    latency = [f"press -> edited message, p{q}" for q in (50, 95, 99)] + ["press -> edited message, max"]
    for side in ("product", "peer"):
        values = [chat[name][side] for name in latency]
        assert 0 < values[0] <= values[1] <= values[2] <= values[3], (side, values)
    p95 = chat["press -> edited message, p95"]
    assert p95["params"] == {"presses": CEPAT.chat_presses, "at_once": True}
    assert p95["target_rule"] == "<= 1.5 x peer" and p95["target"] == pytest.approx(1.5 * p95["peer"], abs=0.1)
    assert p95["meets_target"] == (p95["product"] <= p95["target"])
    assert chat["CPU per press (the bot's process)"]["peer"] > 0
    assert "press -> callback answered, p95" in chat
    assert chat["last edit -> draft rekap in the Kasubbag's chat"]["product"] > 0
    benchmark = run[0]["benchmarks"]["chat"]
    assert "floor_bot" in benchmark["peer"] and "Google requests per press" in " ".join(benchmark["notes"])


def test_memory_is_held_to_its_library_floor_and_to_120_mb(run: tuple[dict[str, Any], str]) -> None:
    memory = _by_name(run[0], "memory")
    floor = memory["RSS idle after start, against importing the same libraries"]
    assert 0 < floor["peer"] < floor["product"] * 2
    assert floor["target_rule"] == "<= 1.15 x peer" and floor["target"] == pytest.approx(1.15 * floor["peer"], abs=0.1)
    alone = memory["RSS idle after start"]
    assert alone["product"] == floor["product"] and alone["target"] == 120 and alone["peer"] is None
    chat = _by_name(run[0], "chat")
    open_period = chat["service RSS idle with the period open, against importing its libraries"]
    assert open_period["peer"] > 0 and open_period["target_rule"] == "<= 1.15 x peer"
    notes = " ".join(run[0]["benchmarks"]["memory"]["notes"])
    assert "none of the occasional libraries" in notes  # pandas, Alembic ... not loaded at start


def test_store_compares_postgresql_with_sqlite_on_the_burst_and_the_poll(run: tuple[dict[str, Any], str]) -> None:
    benchmark = run[0]["benchmarks"]["store"]
    assert "PostgreSQL" in benchmark["product"] and "SQLite" in benchmark["peer"]
    assert not any(note.startswith("skipped") for note in benchmark["notes"])  # CI has PostgreSQL: never a skip
    n, bidang = CEPAT.chat_presses, CEPAT.chat_presses + CEPAT.chat_lone
    lone = (("at_once", False), ("presses", CEPAT.chat_lone))
    found = {(f["name"], tuple(sorted(f["params"].items()))) for f in benchmark["figures"]}
    burst = (("at_once", True), ("presses", n))
    assert ("PostgreSQL vs SQLite: press -> edited message, p95", burst) in found
    assert ("PostgreSQL vs SQLite: CPU per press, service + database server", burst) in found
    assert ("PostgreSQL vs SQLite: press -> edited message, one press alone (median)", lone) in found
    polls = {
        dict(params)["k"]
        for name, params in found
        if name == "PostgreSQL vs SQLite: poll (poll_once until every changed workbook is read), wall time"
    }
    assert polls == {0, bidang}
    for figure in benchmark["figures"]:
        assert figure["product"] > 0 and figure["peer"] > 0 and figure["target"] is None, figure


def test_store_without_postgresql_is_skipped_with_the_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def missing(*_: Any, **__: Any) -> Any:
        raise PostgresUnavailable("PostgreSQL binaries (initdb, pg_ctl) not found")

    monkeypatch.setattr(store, "throwaway_cluster", missing)
    result = store.run(CEPAT, tmp_path, lambda _: None)
    assert result.figures == []
    assert result.notes == ["skipped: PostgreSQL binaries (initdb, pg_ctl) not found"]


def test_table_prints_every_figure(run: tuple[dict[str, Any], str]) -> None:
    document, printed = run
    lines = printed.splitlines()
    assert lines[0].split()[:3] == ["Benchmark", "Figure", "Params"]
    rows = [line for line in lines if line.split(" ", 1)[0] in BENCHMARKS]
    assert len(rows) == sum(len(b["figures"]) for b in document["benchmarks"].values())
    assert "written to" in printed


# --- the rekap's peer computes the same figures --------------------------------------------------

NUMBER = st.one_of(st.none(), st.just(0.0), st.floats(0, 1e6, allow_nan=False, allow_subnormal=False))
POSITIVE = st.floats(0, 1e4, allow_nan=False, allow_subnormal=False)
TEXT = st.one_of(st.none(), st.sampled_from(["Tidak ada", "Anggaran terlambat", "Cuaca"]))
TWS = (1, 2, 3, 4)


@st.composite
def rekap_case(draw: st.DrawFn) -> tuple[Master, dict[str, pd.DataFrame], dict[str, str], int]:
    """A small master list, typed tables (some rows, some bidang missing), names and a TW."""
    codes = [f"B{b}" for b in range(draw(st.integers(1, 3)))]
    items: list[Indikator] = []
    tables: dict[str, pd.DataFrame] = {}
    for code in codes:
        rows = []
        for i in range(draw(st.integers(1, 5))):
            item = Indikator(
                bidang=code,
                kode=f"K{i}",
                program="Program",
                indikator=f"Indikator {i}",
                satuan="Orang",
                polaritas=draw(st.sampled_from(list(Polaritas))),
                jenis=draw(st.sampled_from(list(Jenis))),
                target_tahunan=draw(POSITIVE),
                target_tw=tuple(draw(NUMBER) for _ in TWS),  # type: ignore[arg-type]
                pagu=draw(NUMBER),
            )
            items.append(item)
            if draw(st.booleans()):
                row: dict[str, Any] = {"key": item.key}
                row.update({f"realisasi_tw{k}": draw(NUMBER) for k in TWS})
                row.update({f"anggaran_tw{k}": draw(NUMBER) for k in TWS})
                row.update({f"kendala_tw{k}": draw(TEXT) for k in TWS})
                rows.append(row)
        if rows or draw(st.booleans()):
            frame = pd.DataFrame.from_records(
                rows, columns=["key"] + [f"{name}_tw{k}" for name in ("realisasi", "anggaran", "kendala") for k in TWS]
            )
            numeric = [c for c in frame.columns if c.startswith(("realisasi", "anggaran"))]
            frame[numeric] = frame[numeric].astype("float64")
            kendala = [c for c in frame.columns if c.startswith("kendala")]
            frame[kendala] = frame[kendala].astype("str")
            frame["key"] = frame["key"].astype("str")
            tables[code] = frame
    order = draw(st.permutations(codes))
    names = {code: f"Bidang {code}" for code in order[: draw(st.integers(0, len(order)))]}
    return Master(indikator=tuple(items)), tables, names, draw(st.sampled_from(TWS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rekap_case())
def test_row_by_row_rekap_equals_the_vectorised_one(case: tuple[Master, dict, dict, int]) -> None:
    master, tables, names, tw = case
    assert_same(build_rekap(master, tables, names, tw), build_rekap_rows(master, plain_tables(tables), names, tw))


def test_generated_benchmark_data_gives_equal_rekaps() -> None:
    master, tables, names = generated(3, 30)
    assert_same(build_rekap(master, tables, names, 4), build_rekap_rows(master, plain_tables(tables), names, 4))


def test_a_different_figure_is_caught() -> None:
    master, tables, names = generated(2, 10)
    rows = build_rekap_rows(master, plain_tables(tables), names, 2)
    first = next(r for r in rows.per_tw[2] if r["capaian"])
    first["capaian"] *= 1 + 1e-6
    with pytest.raises(AssertionError, match="column capaian"):
        assert_same(build_rekap(master, tables, names, 2), rows)


def test_cli_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "--cepat" in text and "--out" in text
