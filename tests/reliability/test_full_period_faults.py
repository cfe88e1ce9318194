"""A full period under faults ends like a clean one (issue #10, deliverable 2, first item).

The demo quarter runs twice in process on the demo's simulated clock: clean (no quotas, edits in the
change feed at once), then as strict as Google (Sheets' per-minute quotas, edits reaching the change
feed three minutes later, on the sandbox clock) with 20% of the bot's Google requests failing (429,
500 and 503 in equal shares) and Telegram answering 429 with Retry-After in bursts re-armed every
four steps. The bot uses its own retry rules (backoff of the
Google edge, Retry-After of the notifier); only ``google.maks_percobaan`` is raised (see
:data:`tests.reliability.full_period.MAKS_PERCOBAAN`). The disturbed run must end with the same
workbooks, no Drive file twice, every person's chat message for message the same, and the same
store. The quarter twice takes about 80 s, hence the ``reliability`` marker; the checks of the
machinery itself (fault aimed at one account, fault shares, chat alignment) run in the normal suite.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import insert

from bot.store import schema
from bot.store.migrate import upgrade
from sandbox.control import SandboxControl
from sandbox.server import running_sandbox
from tests.reliability.full_period import (
    OBSERVED_EVENT,
    FaultPlan,
    InProcessRun,
    Message,
    Normaliser,
    align_chat,
    differences,
    run_in_process,
    store_state,
)

PLAN = FaultPlan()

# ==========================================================================================
# the machinery (normal suite)
# ==========================================================================================


def test_a_fault_aimed_at_one_account_spares_the_others() -> None:
    with running_sandbox() as server:
        control = SandboxControl(server.base_url)
        bot, person = control.google_token("bot@example.test"), control.google_token("orang@example.test")
        control.call("POST", "faults", {"service": "google", "status": 503, "rate": 1.0, "account": "bot@example.test"})

        def files_list(token: str) -> int:
            response = requests.get(
                f"{control.base}/drive/v3/files", headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            return response.status_code

        assert [files_list(bot), files_list(person), files_list(bot)] == [503, 200, 503]
        stats = control.call("GET", "stats")["google"]
    assert stats["faults_injected"] == 2
    assert stats["faults_by_status"] == {"503": 2}


@pytest.mark.parametrize(
    "spec",
    [
        {"service": "telegram", "status": 429, "count": 1, "account": "bot@example.test"},
        {"service": "google", "status": 500, "count": 1, "account": 7},
    ],
    ids=["telegram-has-no-account", "account-not-a-string"],
)
def test_an_account_fault_that_cannot_apply_is_refused(spec: dict[str, object]) -> None:
    with running_sandbox() as server:
        response = requests.post(f"{server.base_url}/_sandbox/faults", json=spec, timeout=10)
    assert response.status_code == 400
    assert "account" in response.json()["error"]


def test_the_plan_fails_a_fifth_of_google_requests_in_equal_shares() -> None:
    faults = PLAN.google_faults()
    reached, shares = 1.0, []
    for fault in faults:  # the sandbox tries the faults in order, each with its own draw
        shares.append(reached * fault["rate"])
        reached *= 1 - fault["rate"]
    assert [f["status"] for f in faults] == [429, 500, 503]
    assert sum(shares) == pytest.approx(0.2)
    assert shares == pytest.approx([0.2 / 3] * 3)


def _msg(text: str, buttons: tuple[str, ...] = (), message_id: int = 0) -> Message:
    return Message(text, buttons, False, message_id)


REQUEST = _msg("Permohonan koreksi\nBidang: SEK", ("Setujui", "Kembalikan"))
DECIDED = _msg("Permohonan koreksi\nBidang: SEK\n\n>> Disetujui oleh Sri pada Senin.")
APPROVED = _msg("Laporan disetujui")
OTHER = _msg("Draf rekap")
CHART = Message("Capaian per bidang", (), True, 0)
TELAAH = _msg("Permohonan telaah", ("Teruskan ke Kepala Dinas", "Kembalikan"))


@pytest.mark.parametrize(
    ("expected", "actual", "duplicates", "lost", "unexpected"),
    [
        ([DECIDED, APPROVED], [DECIDED, APPROVED], 0, 0, 0),
        ([DECIDED, APPROVED], [DECIDED, APPROVED, APPROVED], 1, 0, 0),
        ([DECIDED, APPROVED], [REQUEST, DECIDED, APPROVED], 1, 0, 0),
        ([DECIDED, APPROVED, OTHER], [DECIDED, OTHER], 0, 1, 0),
        ([DECIDED, OTHER], [DECIDED, APPROVED, OTHER], 0, 0, 1),
        ([DECIDED, APPROVED, OTHER], [DECIDED, OTHER, APPROVED], 0, 1, 1),
        ([CHART, TELAAH, OTHER], [CHART, TELAAH, CHART, TELAAH, OTHER], 2, 0, 0),
        ([CHART, TELAAH, OTHER], [CHART, TELAAH, TELAAH, CHART, OTHER], 1, 0, 1),
    ],
    ids=[
        "equal",
        "resent-after",
        "resent-copy-acted-on",
        "lost",
        "foreign",
        "reordered",
        "photo-and-text-resent",
        "not-a-whole-resend",
    ],
)
def test_chat_alignment(
    expected: list[Message], actual: list[Message], duplicates: int, lost: int, unexpected: int
) -> None:
    result = align_chat(expected, actual)
    assert (len(result.duplicates), len(result.lost), len(result.unexpected)) == (duplicates, lost, unexpected)


def _store_with(tmp: Path, name: str, events: list[tuple[str, str, str]]) -> dict[str, list[object]]:
    """A migrated store holding audit moves (event, from, to) of bidang PTK, each notifying once."""
    url = f"sqlite:///{tmp / name}.db"
    engine = upgrade(url)
    now = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(schema.periods).values(
                id=1, tahun=2026, tw=1, state="pengumpulan", since=now, step_since=now, opened_at=now
            )
        )
        for event, before, after in events:
            audit_id = connection.execute(
                insert(schema.audit).values(
                    period_id=1,
                    bidang="PTK",
                    machine="bidang",
                    actor_role="staf",
                    actor_nama="Rina",
                    event=event,
                    from_state=before,
                    to_state=after,
                    at=now,
                )
            ).inserted_primary_key[0]
            if event != OBSERVED_EVENT:
                connection.execute(
                    insert(schema.outbox).values(
                        dedupe_key=f"a{audit_id}:{event}:1",
                        recipient_role="staf",
                        recipient_nama="Rina",
                        kind=event,
                        payload={},
                        created_at=now,
                        next_attempt_at=now,
                        sent_at=now,
                    )
                )
    engine.dispose()
    return store_state(url, Normaliser({}))


@pytest.mark.parametrize(
    ("other", "equal"),
    [
        ([(OBSERVED_EVENT, "dikembalikan", "diisi"), ("ajukan", "diisi", "diajukan")], True),
        ([("ajukan", "diisi", "diajukan")], False),
        (
            [
                (OBSERVED_EVENT, "dikembalikan", "diisi"),
                ("ajukan", "diisi", "diajukan"),
                ("setujui", "diajukan", "disetujui"),
            ],
            False,
        ),
    ],
    ids=["poll-saw-the-typing", "other-start-state", "extra-move"],
)
def test_a_move_only_the_poll_observed_is_compared_as_not_seen(
    tmp_path: Path, other: list[tuple[str, str, str]], equal: bool
) -> None:
    plain = _store_with(
        tmp_path, "tanpa", [("kembalikan", "diajukan", "dikembalikan"), ("ajukan", "dikembalikan", "diajukan")]
    )
    observed = _store_with(tmp_path, "dengan", [("kembalikan", "diajukan", "dikembalikan"), *other])
    assert (observed == plain) is equal
    assert plain["outbox"][1]["dedupe_key"] == "a#1:ajukan:1"


# ==========================================================================================
# the quarter, clean and under faults (reliability suite)
# ==========================================================================================


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InProcessRun, InProcessRun]]:
    """The demo quarter clean, then under :data:`PLAN` (each on its own fresh sandbox)."""
    tmp: Path = tmp_path_factory.mktemp("periode-penuh")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PTB_TIMEDELTA", "1")
        clean = run_in_process(tmp / "bersih", None, strict=False)
        faulty = run_in_process(tmp / "gangguan", PLAN)  # and Google's quotas and change-feed lag
    print(  # the figures docs/keandalan.md quotes (shown with -s)
        f"\n[periode penuh] langkah {faulty.steps}; "
        f"Google: {faulty.stats['google']['faults_injected']} kesalahan "
        f"{faulty.stats['google']['faults_by_status']} dari {faulty.stats['google']['total']} permintaan; "
        f"Telegram: {faulty.stats['telegram']['faults_injected']} jawaban 429 dalam {faulty.bursts} gelombang "
        f"dari {faulty.stats['telegram']['total']} permintaan; "
        f"bersih {clean.seconds:.0f} s, dengan gangguan {faulty.seconds:.0f} s; "
        f"dibandingkan: {len(faulty.state.workbooks)} berkas bot ({faulty.state.files} berkas Drive), "
        f"{sum(map(len, faulty.state.chats.values()))} pesan dalam {len(faulty.state.chats)} percakapan, "
        f"{len(faulty.state.store['audit'])} baris audit, {len(faulty.state.store['outbox'])} pemberitahuan outbox"
    )
    yield clean, faulty


@pytest.mark.reliability
def test_faults_were_injected_into_the_bots_requests(runs: tuple[InProcessRun, InProcessRun]) -> None:
    clean, faulty = runs
    assert clean.stats["google"]["faults_injected"] == clean.stats["telegram"]["faults_injected"] == 0
    google = faulty.stats["google"]["faults_by_status"]
    assert set(google) == {"429", "500", "503"} and all(n > 0 for n in google.values())
    assert faulty.stats["telegram"]["faults_by_status"].get("429", 0) > 0
    assert faulty.bursts == math.ceil(faulty.steps / PLAN.telegram_every)


@pytest.mark.reliability
def test_the_period_closed_in_both_runs(runs: tuple[InProcessRun, InProcessRun]) -> None:
    for run in runs:
        assert [p["state"] for p in run.state.store["periods"]] == ["selesai"]
        written = {path.name for path in run.outputs.values() if path.stat().st_size > 0}
        assert {"transkrip.md", "riwayat.csv"} <= written


@pytest.mark.reliability
def test_same_workbooks_and_no_drive_file_twice(runs: tuple[InProcessRun, InProcessRun]) -> None:
    clean, faulty = runs
    # workbook_state keys files by their appProperties and refuses a key seen twice
    assert faulty.state.files == clean.state.files
    assert sorted(faulty.state.workbooks) == sorted(clean.state.workbooks)
    assert any("kinerja_jenis=rekap" in key for key in clean.state.workbooks)
    for key, expected in clean.state.workbooks.items():
        assert faulty.state.workbooks[key] == expected, key


@pytest.mark.reliability
def test_every_message_delivered_exactly_once(runs: tuple[InProcessRun, InProcessRun]) -> None:
    clean, faulty = runs
    assert faulty.state.store["outbox_delivery"] == clean.state.store["outbox_delivery"]
    assert {row["status"] for row in faulty.state.store["outbox_delivery"]} == {"terkirim"}
    for person, expected in clean.state.chats.items():
        aligned = align_chat(expected, faulty.state.chats[person])
        assert (aligned.duplicates, aligned.lost, aligned.unexpected) == ((), (), ()), person
        assert faulty.state.chats[person] == expected, person


@pytest.mark.reliability
def test_same_store(runs: tuple[InProcessRun, InProcessRun]) -> None:
    clean, faulty = runs
    assert differences(clean.state, faulty.state, chats=False) == []
    assert faulty.state.store == clean.state.store
