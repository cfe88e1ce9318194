"""What the workflow does with the sharing facts the Google edge states:

- a workbook shared beyond the configured people (:class:`ForeignAccess`): the Kasubbag is told
  once (audit row and message, saying Drive does not name who shared it), the access removed on
  every sighting; access Google does not let the bot remove is reported again as left in place;
- addresses without a Google account invited by email during distribution: the Kasubbag's
  "format dibagikan" message names them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from bot.store.repository import Store
from bot.telegram.render import Renderer
from bot.workflow.intake import ForeignAccess
from bot.workflow.notifications import Kind
from bot.workflow.service import WorkflowService
from config.settings import Settings
from sheets.facts import PermissionInfo, WorkbookRef
from sheets.master import Master
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver

ANYONE = PermissionInfo("anyoneWithLink", "anyone", "reader")
OUTSIDER = PermissionInfo("1234567890", "user", "writer", email="teman@contoh.test")


@pytest.fixture
def drive(service: WorkflowService, workbook: InMemoryWorkbook, clock: Any) -> Driver:
    return Driver(service, workbook, clock)


def _outbox(store: Store, kind: Kind) -> list[Any]:
    with store.transaction() as tx:
        return [r for r in tx.outbox_rows() if r.kind == kind]


def _audit(store: Store, event: str) -> list[Any]:
    with store.transaction() as tx:
        return [r for r in tx.audit_rows() if r.event == event]


def test_foreign_access_is_reported_once_and_removed_each_time(
    service: WorkflowService, drive: Driver, store: Store, workbook: InMemoryWorkbook, settings: Settings
) -> None:
    drive.collecting()
    event = ForeignAccess("PTK", "sheet-2026-PTK", (ANYONE, OUTSIDER), tahun=2026)
    for _ in range(3):  # the same access seen again (a poll that failed and was retried)
        service.handle_events([event])
    removals = [args for name, args in workbook.calls if name == "remove_permissions"]
    assert removals == [("PTK", ("anyoneWithLink", "1234567890"))] * 3
    [row] = _outbox(store, Kind.FOREIGN_ACCESS_REMOVED)
    assert row.recipient_role == "kasubbag_kpep"
    assert row.payload["dihapus"] is True
    assert row.payload["url"] == "https://sheets.test/2026/PTK"
    assert [a["type"] for a in row.payload["akses"]] == ["anyone", "user"]
    [audit] = _audit(store, "akses_asing_dihapus")
    assert audit.bidang == "PTK" and "teman@contoh.test" in audit.note
    rendered = Renderer(settings).render(row.kind, row.payload, row.recipient_role)
    text = rendered.text
    assert rendered.keyboard is not None  # the workbook, as a button
    assert [b.url for r in rendered.keyboard.inline_keyboard for b in r] == ["https://sheets.test/2026/PTK"]
    assert "siapa saja yang memiliki tautan (pelihat)" in text
    assert "teman@contoh.test (editor)" in text
    assert "tidak mencatat siapa yang menambahkannya" in text
    assert "penempatan@disnaker.example.go.id" in text  # who could have: the workbook's editors
    # a different grant later is a new report
    service.handle_events(
        [
            ForeignAccess(
                "PTK", "sheet-2026-PTK", (PermissionInfo("9", "domain", "reader", None, "contoh.test"),), tahun=2026
            )
        ]
    )
    assert len(_outbox(store, Kind.FOREIGN_ACCESS_REMOVED)) == 2


def test_access_google_keeps_is_reported_as_left_in_place(
    service: WorkflowService, drive: Driver, store: Store, workbook: InMemoryWorkbook, settings: Settings
) -> None:
    drive.collecting()
    workbook.kept_permissions = ("1234567890",)
    service.handle_events([ForeignAccess("PTK", "sheet-2026-PTK", (ANYONE, OUTSIDER), tahun=2026)])
    rows = _outbox(store, Kind.FOREIGN_ACCESS_REMOVED)
    assert [r.payload["dihapus"] for r in rows] == [True, False]
    assert [a["id"] for a in rows[1].payload["akses"]] == ["1234567890"]
    assert len(_audit(store, "akses_asing_tidak_terhapus")) == 1
    text = Renderer(settings).render(rows[1].kind, rows[1].payload, rows[1].recipient_role).text
    assert "tidak dapat dihapus" in text and "teman@contoh.test" in text


class InvitingWorkbook(InMemoryWorkbook):
    """Distribution as Drive does it when an editor has no Google account (invited by email)."""

    def distribute(
        self, tahun: int, tw: int, bidang_kodes: Sequence[str], master: Master | None = None
    ) -> Mapping[str, WorkbookRef]:
        refs = dict(super().distribute(tahun, tw, bidang_kodes, master))
        sek = refs["SEK"]
        refs["SEK"] = WorkbookRef(
            sek.url, sek.spreadsheet_id, invited=("baru@contoh.test",), not_shared={"salah@@contoh": "Invalid"}
        )
        return refs


def test_distribution_done_names_who_was_invited_by_email(settings: Settings, store: Store, clock: Any) -> None:
    service = WorkflowService(settings, store, InvitingWorkbook())
    service.start()
    Driver(service, service.core.workbook, clock).collecting()  # every bidang opened, SEK's included
    [row] = _outbox(store, Kind.DISTRIBUTION_DONE)
    assert row.payload["tanpa_akun_google"] == ["baru@contoh.test"]
    assert row.payload["tidak_dibagikan"] == {"salah@@contoh": "Invalid"}
    assert len(row.payload["links"]) == len(settings.bidang)
    text = Renderer(settings).render(row.kind, row.payload, row.recipient_role).text
    assert "belum memiliki akun Google" in text and "baru@contoh.test" in text
    assert "menolak membagikan lembar kerja kepada: salah@@contoh" in text
