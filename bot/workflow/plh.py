"""Acting officials (Plh, pelaksana harian): named, accepted, set by the admin, handed over and back.

An official on leave names the person who acts for them (``/plh NAMA MULAI SELESAI``), who
accepts with a button; or the administrator sets one from the command line. While a Plh is in
force, :meth:`bot.workflow.people.Directory.acting_for` answers "who acts for role R of bidang B
at time T" with the acting person, so the buttons, reminders and escalations go to them and the
audit trail records both names. When it starts, the requests still waiting for that office are
sent again to the Plh; when it ends (or is cancelled), again to the holder: whoever acts has the
buttons. Each hand-over is a timer key, fired once.

Days are the office's calendar days: a Plh of 6 to 10 July is in force from 6 July 00.00 until
11 July 00.00 in the office's time zone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Tx
from bot.workflow.core import WorkflowCore
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import BIDANG_HOLDS, DINAS_HOLDS, DINAS_TABLE, BidangState, DinasState, Role
from bot.workflow.notifications import Kind
from bot.workflow.payloads import PlhNotice, PlhRequest, payload_from_json
from bot.workflow.people import PLH_ROLES, Actor, Person

logger = logging.getLogger(__name__)

MAX_DAYS_NAMED = texts.MAX_PLH_DAYS  # named from Telegram: a leave
MAX_DAYS_SET = 366  # set by the administrator: a longer Plt as well

MENUNGGU, BERLAKU, DITOLAK, DIBATALKAN = "menunggu", "berlaku", "ditolak", "dibatalkan"


def _request_kinds() -> dict[DinasState, frozenset[Kind]]:
    """Per dinas state, the kinds that asked its holder to act (the notifications of the rows entering it)."""
    kinds: dict[DinasState, set[Kind]] = {}
    for (_, _), row in DINAS_TABLE.items():
        dest = DinasState(row.dest)
        holding = DINAS_HOLDS.get(dest)
        if holding is None:
            continue
        for notify in row.notify:
            if notify.role is holding.role:
                kinds.setdefault(dest, set()).add(notify.kind)
    # Step 1's request is sent when a period starts, outside the table.
    kinds.setdefault(DinasState.AWAITING_DISTRIBUTION, set()).add(Kind.DISTRIBUTION_APPROVAL_REQUEST)
    return {state: frozenset(found) for state, found in kinds.items()}


REQUEST_KINDS = _request_kinds()

_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def parse_tanggal(text: str) -> date | None:
    """``6-7-2026``, ``06/07/2026``, ``6.7.2026`` or ``2026-07-06`` -> the date; None when none of these."""
    cleaned = text.strip()
    match = _DATE.match(cleaned)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(cleaned)
    except ValueError:
        return None


def split_plh_args(args: list[str]) -> tuple[str, date, date] | None:
    """``/plh NAMA MULAI SELESAI`` (or one date for one day) -> (name, first day, last day); None if unreadable."""
    if len(args) < 2:
        return None
    selesai = parse_tanggal(args[-1])
    if selesai is None:
        return None
    mulai = parse_tanggal(args[-2]) if len(args) >= 3 else None
    nama_parts = args[:-2] if mulai is not None else args[:-1]
    nama = " ".join(nama_parts).strip()
    if not nama:
        return None
    return nama, mulai or selesai, selesai


@dataclass(frozen=True)
class PlhView:
    """One Plh as the commands show it."""

    id: int
    role: Role
    bidang: str | None
    holder_nama: str
    acting_nama: str
    acting_person_id: int
    mulai: date
    selesai: date
    status: str
    sumber: str

    @property
    def jabatan(self) -> str:
        """``Kepala Bidang PTK``."""
        return texts.jabatan(self.role, self.bidang)

    def line(self) -> str:
        """One line of a list."""
        return texts.plh_line(self.jabatan, self.acting_nama, self.holder_nama, self.mulai, self.selesai, self.status)


class ActingOfficials:
    """The Plh of the dinas: naming, accepting, setting, cancelling, and the hand-overs at start and end."""

    def __init__(self, core: WorkflowCore) -> None:
        self.core = core

    # --- reading -----------------------------------------------------------------------------

    def _view(self, tx: Tx, row: Row[Any]) -> PlhView:
        person = tx.get_person(row.acting_person_id)
        return PlhView(
            row.id,
            Role(row.role),
            row.bidang,
            row.holder_nama,
            person.nama if person is not None else "?",
            row.acting_person_id,
            row.mulai,
            row.selesai,
            row.status,
            row.sumber,
        )

    def listed(self, include_past: bool = False) -> list[PlhView]:
        """Every Plh waiting or in force (and the past ones when asked), oldest first."""
        today = self.core.now().date()
        with self.core.store.transaction() as tx:
            rows = tx.plh_rows() if include_past else tx.plh_rows((MENUNGGU, BERLAKU))
            return [self._view(tx, r) for r in rows if include_past or r.selesai >= today]

    def of_person(self, actor: Actor) -> list[PlhView]:
        """The Plh waiting or in force that concern ``actor``: as the official, or as the one acting."""
        return [
            view
            for view in self.listed()
            if view.acting_person_id == actor.person_id or self._is_holder(actor, view.role, view.bidang)
        ]

    @staticmethod
    def _is_holder(actor: Actor, role: Role, bidang: str | None) -> bool:
        return (
            actor.atas_nama is None
            and actor.role is role
            and (role is not Role.KEPALA_BIDANG or actor.bidang == bidang)
        )

    # --- checks --------------------------------------------------------------------------------

    def _window(self, mulai: date, selesai: date) -> tuple[datetime, datetime]:
        """The moments a Plh of these days is in force: from mulai 00.00 to the day after selesai 00.00."""
        tz = self.core.settings.tz
        start = datetime.combine(mulai, time(0, 0), tzinfo=tz)
        end = datetime.combine(selesai + timedelta(days=1), time(0, 0), tzinfo=tz)
        return start, end

    def _check_days(self, mulai: date, selesai: date, max_days: int) -> None:
        if selesai < mulai:
            raise ActionRefused(texts.REFUSAL_PLH_DATES)
        if selesai < self.core.now().date():
            raise ActionRefused(texts.REFUSAL_PLH_PAST)
        if (selesai - mulai).days + 1 > max_days:
            raise ActionRefused(texts.refusal_plh_too_long(max_days))

    def _check_overlap(self, tx: Tx, role: Role, bidang: str | None, mulai: date, selesai: date, skip: int = 0) -> None:
        for row in tx.plh_rows((MENUNGGU, BERLAKU), role, bidang):
            if row.id != skip and row.mulai <= selesai and mulai <= row.selesai:
                view = self._view(tx, row)
                raise ActionRefused(texts.refusal_plh_overlap(view.jabatan, view.acting_nama, row.mulai, row.selesai))

    @staticmethod
    def _person_named(tx: Tx, nama: str, exclude: set[int]) -> Person:
        """The one bound person whose name is ``nama`` (or contains it), refused when none or several."""
        wanted = " ".join(nama.split()).casefold()
        people = [Person.from_row(row) for row in tx.people() if row.id not in exclude]
        exact = [p for p in people if " ".join(p.nama.split()).casefold() == wanted]
        found = exact or [p for p in people if wanted and wanted in " ".join(p.nama.split()).casefold()]
        by_id = {p.id: p for p in found}
        if not by_id:
            raise ActionRefused(texts.refusal_plh_person_unknown(nama))
        if len(by_id) > 1:
            raise ActionRefused(texts.refusal_plh_person_ambiguous(nama, sorted(p.nama for p in by_id.values())))
        person = next(iter(by_id.values()))
        if person.telegram_id is None:
            raise ActionRefused(texts.refusal_plh_unbound(person.nama))
        return person

    def _holders(self, tx: Tx, role: Role, bidang: str | None) -> list[Person]:
        return [
            Person.from_row(row) for row in tx.people_with_role(role, bidang if role is Role.KEPALA_BIDANG else None)
        ]

    def _scope(self, role: Role, bidang: str | None) -> str | None:
        if role not in PLH_ROLES:
            raise ActionRefused(texts.REFUSAL_PLH_ROLE)
        if role is Role.KEPALA_BIDANG:
            if bidang is None:
                raise ActionRefused(texts.REFUSAL_ROLE_NEEDS_BIDANG)
            if bidang not in self.core.kodes:
                raise ActionRefused(texts.refusal_unknown_bidang(bidang))
            return bidang
        return None

    # --- naming, deciding, setting, cancelling --------------------------------------------------

    def name(self, holder: Actor, acting_nama: str, mulai: date, selesai: date) -> PlhView:
        """An official names their Plh for these days; the person named is asked to accept."""
        if holder.person_id is None or holder.atas_nama is not None:
            raise ActionRefused(texts.REFUSAL_PLH_ROLE)
        bidang = self._scope(holder.role, holder.bidang)
        self._check_days(mulai, selesai, MAX_DAYS_NAMED)
        now = self.core.now()
        start, end = self._window(mulai, selesai)
        with self.core.store.transaction() as tx:
            person = self._person_named(tx, acting_nama, exclude={holder.person_id})
            self._check_overlap(tx, holder.role, bidang, mulai, selesai)
            plh_id = tx.insert_plh(
                role=holder.role,
                bidang=bidang,
                holder_person_id=holder.person_id,
                holder_nama=holder.nama,
                acting_person_id=person.id,
                mulai=mulai,
                selesai=selesai,
                mulai_at=start,
                sampai_at=end,
                status=MENUNGGU,
                sumber="telegram",
                created_by_nama=holder.nama,
                created_at=now,
            )
            row = tx.get_plh(plh_id)
            assert row is not None
            view = self._view(tx, row)
            audit_id = self._audit(tx, row, "plh_diusulkan", holder, now)
            payload = PlhRequest(**self._fields(view))
            self.core.recorder.notify_person(tx, f"a{audit_id}", Kind.PLH_REQUEST, person, payload, now, None)
        logger.info("plh %s named: %s for %s %s", plh_id, person.id, holder.role, bidang or "")
        return view

    def accept(self, actor: Actor, plh_id: int) -> PlhView:
        """The person named accepts: the Plh is in force on its days."""
        view = self._decide(actor, plh_id, BERLAKU, "plh_diterima", "diterima")
        self.sweep()
        return view

    def decline(self, actor: Actor, plh_id: int) -> PlhView:
        """The person named declines: the official is told."""
        return self._decide(actor, plh_id, DITOLAK, "plh_ditolak", "ditolak")

    def _decide(self, actor: Actor, plh_id: int, status: str, event: str, peristiwa: str) -> PlhView:
        now = self.core.now()
        with self.core.store.transaction() as tx:
            row = tx.get_plh(plh_id)
            if row is None:
                raise ActionRefused(texts.REFUSAL_PLH_NOT_FOUND)
            if row.acting_person_id != actor.person_id:
                raise ActionRefused(texts.REFUSAL_PLH_NOT_YOURS)
            if row.status != MENUNGGU:
                raise ActionRefused(texts.refusal_plh_decided(row.status))
            if status == BERLAKU:
                if row.selesai < now.date():
                    raise ActionRefused(texts.REFUSAL_PLH_PAST)
                self._check_overlap(tx, Role(row.role), row.bidang, row.mulai, row.selesai, skip=row.id)
            tx.update_plh(row.id, status=status, decided_at=now)
            row = tx.get_plh(plh_id)
            assert row is not None
            view = self._view(tx, row)
            audit_id = self._audit(tx, row, event, actor, now)
            self._tell(tx, row, view, peristiwa, actor.nama, f"a{audit_id}", now, acting=False)
        logger.info("plh %s %s", plh_id, status)
        return view

    def assign(self, role: Role, bidang: str | None, acting_nama: str, mulai: date, selesai: date, by: str) -> PlhView:
        """The administrator sets a Plh (in force at once on its days); both people are told."""
        bidang = self._scope(Role(role), bidang)
        role = Role(role)
        self._check_days(mulai, selesai, MAX_DAYS_SET)
        now = self.core.now()
        start, end = self._window(mulai, selesai)
        with self.core.store.transaction() as tx:
            holders = self._holders(tx, role, bidang)
            person = self._person_named(tx, acting_nama, exclude={p.id for p in holders})
            self._check_overlap(tx, role, bidang, mulai, selesai)
            holder_nama = ", ".join(p.nama for p in holders) or texts.jabatan(role, bidang)
            plh_id = tx.insert_plh(
                role=role,
                bidang=bidang,
                holder_person_id=holders[0].id if len(holders) == 1 else None,
                holder_nama=holder_nama,
                acting_person_id=person.id,
                mulai=mulai,
                selesai=selesai,
                mulai_at=start,
                sampai_at=end,
                status=BERLAKU,
                sumber="cli",
                created_by_nama=by,
                created_at=now,
                decided_at=now,
            )
            row = tx.get_plh(plh_id)
            assert row is not None
            view = self._view(tx, row)
            audit_id = self._audit(tx, row, "plh_ditetapkan", Actor(Role.SYSTEM, by), now)
            self._tell(tx, row, view, "ditetapkan", by, f"a{audit_id}", now, acting=True)
        logger.info("plh %s set by the administrator for %s %s", plh_id, role, bidang or "")
        self.sweep()
        return view

    def cancel(self, plh_id: int, by: Actor) -> PlhView:
        """Cancel a Plh waiting or in force (its official, or the administrator); the holder acts again."""
        now = self.core.now()
        with self.core.store.transaction() as tx:
            row = tx.get_plh(plh_id)
            if row is None:
                raise ActionRefused(texts.REFUSAL_PLH_NOT_FOUND)
            if row.status not in (MENUNGGU, BERLAKU):
                raise ActionRefused(texts.refusal_plh_decided(row.status))
            if by.role is not Role.SYSTEM and not self._is_holder(by, Role(row.role), row.bidang):
                raise ActionRefused(texts.REFUSAL_PLH_NOT_YOURS)
            in_force = row.status == BERLAKU and row.mulai_at <= now < row.sampai_at
            tx.update_plh(row.id, status=DIBATALKAN, decided_at=now)
            row = tx.get_plh(plh_id)
            assert row is not None
            view = self._view(tx, row)
            audit_id = self._audit(tx, row, "plh_dibatalkan", by, now)
            self._tell(tx, row, view, "dibatalkan", by.nama, f"a{audit_id}", now, acting=True)
            if in_force and tx.fire_timer(f"plh:{row.id}:selesai", now):
                self._hand_over(tx, row, "selesai", now)
        logger.info("plh %s cancelled", plh_id)
        return view

    def cancel_own(self, holder: Actor) -> PlhView:
        """``/plh batal``: the official cancels their latest Plh waiting or in force."""
        mine = [v for v in self.of_person(holder) if self._is_holder(holder, v.role, v.bidang)]
        if not mine:
            raise ActionRefused(texts.REFUSAL_PLH_NONE_TO_CANCEL)
        return self.cancel(mine[-1].id, holder)

    # --- the hand-overs --------------------------------------------------------------------------

    def sweep(self) -> int:
        """Hand the waiting requests to a Plh that started, back to the holder when one ended; once each."""
        now = self.core.now()
        handed = 0
        with self.core.store.transaction() as tx:
            rows = tx.plh_rows((BERLAKU,))
        for row in rows:
            for phase, moment in (("mulai", row.mulai_at), ("selesai", row.sampai_at)):
                if moment > now:
                    continue
                with self.core.store.transaction() as tx:
                    if not tx.fire_timer(f"plh:{row.id}:{phase}", now):
                        continue
                    if phase == "mulai" and row.sampai_at <= now:
                        continue  # over before anyone saw it start: nothing to hand over
                    handed += self._hand_over(tx, row, phase, now)
                    if phase == "selesai":
                        view = self._view(tx, row)
                        self._tell(tx, row, view, "berakhir", texts.BOT_NAME, f"plh{row.id}:selesai", now, acting=True)
        return handed

    def _hand_over(self, tx: Tx, row: Row[Any], phase: str, now: datetime) -> int:
        """Send the requests waiting for the Plh's office again to whoever acts for it now."""
        sent = 0
        role, bidang = Role(row.role), row.bidang
        for period, kind, kode, target_role in self._waiting(tx, role, bidang):
            latest = next(
                (o for o in tx.latest_outbox_of(period.id, [kind]) if kode is None or o.payload.get("bidang") == kode),
                None,
            )
            if latest is None:
                continue
            payload = payload_from_json(kind, latest.payload)
            key = f"plh{row.id}:{phase}:{latest.id}"
            for person in self.core.directory.recipients(tx, target_role, kode, at=now):
                if person.id == latest.recipient_person_id and person.atas_nama == latest.recipient_atas_nama:
                    continue  # already has these buttons (the request came after the change)
                self.core.recorder.notify_person(tx, key, kind, person, payload, now, period.id)
                sent += 1
        logger.info("plh %s %s: %d waiting requests sent again", row.id, phase, sent)
        return sent

    def _concerns(self, role: Role, bidang: str | None, held_role: Role, held_bidang: str | None) -> bool:
        """Whether the office (``role``, ``bidang``) acts for a step held by (``held_role``, ``held_bidang``)."""
        if held_role is Role.KEPALA_BIDANG and held_bidang is not None:
            return (role is Role.KEPALA_BIDANG and bidang == held_bidang) or (
                role is Role.SEKRETARIS and self.core.directory.corrector_is_sekretaris(held_bidang)
            )
        return role is held_role

    def _waiting(self, tx: Tx, role: Role, bidang: str | None) -> Iterator[tuple[Row[Any], Kind, str | None, Role]]:
        """(period, kind, bidang, holding role) of every request waiting for the office (``role``, ``bidang``)."""
        for period in tx.periods(exclude_states=[DinasState.CLOSED]):
            state = DinasState(period.state)
            if state is DinasState.FOLLOW_UP:
                answered = {r.bidang for r in tx.tindak_lanjut_of(period.id)}
                for report in tx.reports(period.id):
                    if report.bidang not in answered and self._concerns(
                        role, bidang, Role.KEPALA_BIDANG, report.bidang
                    ):
                        yield period, Kind.REKOMENDASI_FOR_BIDANG, report.bidang, Role.KEPALA_BIDANG
                continue
            holding = DINAS_HOLDS.get(state)
            if holding is not None and self._concerns(role, bidang, holding.role, None):
                for kind in sorted(REQUEST_KINDS.get(state, ())):
                    yield period, kind, None, holding.role
            if state is DinasState.COLLECTING:
                for report in tx.reports(period.id):
                    report_holding = BIDANG_HOLDS.get(BidangState(report.state))
                    if (
                        report_holding is not None
                        and report_holding.role is Role.KEPALA_BIDANG
                        and self._concerns(role, bidang, Role.KEPALA_BIDANG, report.bidang)
                    ):
                        yield period, Kind.KOREKSI_REQUEST, report.bidang, Role.KEPALA_BIDANG

    # --- audit and notifications ---------------------------------------------------------------

    def _audit(self, tx: Tx, row: Row[Any], event: str, actor: Actor, now: datetime) -> int:
        view = self._view(tx, row)
        return self.core.recorder.audit(
            tx,
            period_id=None,
            machine="plh",
            bidang=row.bidang,
            transition=None,
            sop_step=None,
            event=event,
            from_state=None,
            to_state=row.status,
            actor=actor,
            step_since=None,
            now=now,
            note=texts.audit_plh_note(view.jabatan, view.acting_nama, row.holder_nama, row.mulai, row.selesai),
        )

    def _fields(self, view: PlhView) -> dict[str, Any]:
        return {
            "plh_id": view.id,
            "role": str(view.role),
            "bidang": view.bidang,
            "bidang_nama": self.core.settings.bidang_nama(view.bidang) if view.bidang else None,
            "holder_nama": view.holder_nama,
            "acting_nama": view.acting_nama,
            "mulai": view.mulai.isoformat(),
            "selesai": view.selesai.isoformat(),
        }

    def _tell(
        self, tx: Tx, row: Row[Any], view: PlhView, peristiwa: str, oleh: str, key: str, now: datetime, *, acting: bool
    ) -> None:
        """A PLH_NOTICE to the official (or every holder of the office), and to the acting person when ``acting``."""
        payload = PlhNotice(**self._fields(view), peristiwa=peristiwa, oleh=oleh)
        people = self._holders(tx, Role(row.role), row.bidang)
        if acting:
            acting_row = tx.get_person(row.acting_person_id)
            if acting_row is not None:
                people.append(Person.from_row(acting_row))
        for person in {p.id: p for p in people}.values():
            self.core.recorder.notify_person(tx, key, Kind.PLH_NOTICE, person, payload, now, None)
