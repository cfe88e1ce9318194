"""The in-memory state of the Google half: accounts, Drive files, shared drives, changes,
spreadsheets with their sheets and cells.

One :class:`Store` per sandbox; every request runs under its lock, so handlers see a consistent
state. Access rules (owner/writer/reader, inherited from folders, shared drive membership)
live here so Drive and Sheets apply the same ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.google.errors import GoogleApiError
from sandbox.google.limits import Limits

FOLDER_MIME = "application/vnd.google-apps.folder"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
ROLE_RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5, "owner": 6}
DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
DEFAULT_CHANGE_LAG_SECONDS = 180.0
"""How long an edit made through Sheets takes to reach the Drive change feed (Google: coalesced,
typically within 3 minutes, reported up to 10); ``/_sandbox/google/change-lag`` tunes it."""
MAX_CHANGE_LAG_SECONDS = 3600.0
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"


def now_rfc3339(moment: dt.datetime | None = None) -> str:
    """``2024-01-02T03:04:05.678Z``."""
    moment = moment or dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Account:
    """A person or a service account, known by email, acting through bearer tokens."""

    email: str
    kind: str = "user"  # "user" | "service"
    permission_id: str = field(default_factory=lambda: str(random.randint(10**19, 10**20 - 1)))
    # False for an address only ever named in a share (an invitation): it has no Google account
    # until it is created through the control API.
    registered: bool = True

    @property
    def is_service(self) -> bool:
        """Service accounts have no Drive storage of their own."""
        return self.kind == "service"


@dataclass
class Permission:
    """One Drive permission on a file."""

    id: str
    type: str
    role: str
    email: str | None = None
    domain: str | None = None


@dataclass
class SharedDrive:
    """A shared drive and its members (email -> role)."""

    id: str
    name: str
    members: dict[str, str]
    created_time: str = field(default_factory=now_rfc3339)


@dataclass
class DriveFile:
    """A Drive file: folder, spreadsheet or opaque content."""

    id: str
    name: str
    mime_type: str
    owner: str | None
    parents: list[str] = field(default_factory=list)
    drive_id: str | None = None
    permissions: list[Permission] = field(default_factory=list)
    app_properties: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    trashed: bool = False
    created_time: str = field(default_factory=now_rfc3339)
    modified_time: str = field(default_factory=now_rfc3339)
    last_modifier: str | None = None
    version: int = 1
    content: bytes | None = None
    spreadsheet: Spreadsheet | None = None
    starred: bool = False
    writers_can_share: bool = True


@dataclass
class SharingRules:
    """Drive's sharing rules as the sandbox applies them: the defaults are Google's.

    - ``notify_required_without_account``: sharing with an address that has no Google account
      without the notification email answers 400 ``invalidSharingRequest``;
    - ``file_permissions_in_shared_drives``: ``File.permissions`` is populated on Shared Drive
      items (Google never does: "Not populated for items in shared drives");
    - ``enforce_writers_can_share``: a writer may not change the permissions of a My Drive file
      whose ``writersCanShare`` is false.
    """

    notify_required_without_account: bool = True
    file_permissions_in_shared_drives: bool = False
    enforce_writers_can_share: bool = True


@dataclass
class Change:
    """One entry of the Drive change log."""

    seq: int
    file_id: str
    time: str
    removed: bool = False
    drive_id: str | None = None
    # Accounts that could see the file before this change and cannot after it: Drive lists the
    # change to them as ``removed: true`` (deletion or loss of access), to nobody else.
    lost: frozenset[str] = frozenset()


class Cell:
    """One cell: effective value, the formula typed (if any), format, note, validation."""

    __slots__ = ("fmt", "formula", "note", "validation", "value")

    def __init__(self) -> None:
        self.value: Any = None
        self.formula: str | None = None
        self.fmt: dict[str, Any] | None = None
        self.note: str | None = None
        self.validation: dict[str, Any] | None = None

    def is_blank(self) -> bool:
        """No value and no formula."""
        return self.formula is None and (self.value is None or self.value == "")

    def copy(self) -> Cell:
        """A shallow copy (formats and rules are replaced, never mutated in place)."""
        other = Cell()
        other.value, other.formula, other.fmt = self.value, self.formula, self.fmt
        other.note, other.validation = self.note, self.validation
        return other


class Sheet:
    """One tab: properties, dense cell grid (up to the used extent), merges, protections..."""

    def __init__(self, sheet_id: int, title: str, index: int, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS):
        self.sheet_id = sheet_id
        self.title = title
        self.index = index
        self.row_count = rows
        self.column_count = cols
        self.frozen_rows = 0
        self.frozen_cols = 0
        self.hide_gridlines = False
        self.hidden = False
        self.right_to_left = False
        self.tab_color: dict[str, Any] | None = None
        self.grid: list[list[Cell | None]] = []
        self.merges: list[dict[str, int]] = []
        self.conditional_formats: list[dict[str, Any]] = []
        self.charts: list[dict[str, Any]] = []
        self.row_meta: dict[int, dict[str, Any]] = {}
        self.col_meta: dict[int, dict[str, Any]] = {}

    def cell(self, r: int, c: int) -> Cell | None:
        """The cell at (r, c), None when never written."""
        if r < len(self.grid):
            row = self.grid[r]
            if c < len(row):
                return row[c]
        return None

    def ensure(self, r: int, c: int) -> Cell:
        """The cell at (r, c), created when missing."""
        grid = self.grid
        if r >= len(grid):
            grid.extend([] for _ in range(r + 1 - len(grid)))
        row = grid[r]
        if c >= len(row):
            row.extend([None] * (c + 1 - len(row)))
        cell = row[c]
        if cell is None:
            cell = row[c] = Cell()
        return cell


class Spreadsheet:
    """A spreadsheet's properties and its sheets."""

    def __init__(self, spreadsheet_id: str, title: str, locale: str = "en_US", time_zone: str = "Etc/GMT"):
        self.id = spreadsheet_id
        self.title = title
        self.locale = locale
        self.time_zone = time_zone
        self.auto_recalc = "ON_CHANGE"
        self.sheets: list[Sheet] = []
        self.protected_ranges: list[dict[str, Any]] = []
        self.named_ranges: list[dict[str, Any]] = []
        self.rng = random.Random(spreadsheet_id)

    def sheet_by_title(self, title: str) -> Sheet | None:
        """The sheet called ``title`` (exact, then case-insensitive as Sheets does)."""
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        lowered = title.lower()
        for sheet in self.sheets:
            if sheet.title.lower() == lowered:
                return sheet
        return None

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        """The sheet with ``sheet_id``."""
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        return None

    def new_id(self) -> int:
        """A fresh random id (sheets, protected ranges, charts) as Google hands out."""
        while True:
            value = self.rng.randint(1, 2**31 - 1)
            if self.sheet_by_id(value) is None:
                return value

    def add_sheet(
        self,
        title: str,
        rows: int = DEFAULT_ROWS,
        cols: int = DEFAULT_COLS,
        index: int | None = None,
        sheet_id: int | None = None,
    ) -> Sheet:
        """Append (or insert at ``index``) a new sheet."""
        sid = self.new_id() if sheet_id is None else sheet_id
        position = len(self.sheets) if index is None else max(0, min(index, len(self.sheets)))
        sheet = Sheet(sid, title, position, rows, cols)
        self.sheets.insert(position, sheet)
        self.reindex()
        return sheet

    def reindex(self) -> None:
        """Keep ``index`` equal to the position."""
        for i, sheet in enumerate(self.sheets):
            sheet.index = i


class Store:
    """Everything the Google half knows, guarded by one lock.

    ``clock`` gives the sandbox clock's Unix time (:class:`sandbox.clock.SandboxClock`); Drive's
    times and the change feed's lag follow it.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock: Callable[[], float] = clock or (lambda: dt.datetime.now(dt.UTC).timestamp())
        self.reset()

    def reset(self) -> None:
        """Forget everything."""
        with self.lock:
            self.accounts: dict[str, Account] = {}
            self.tokens: dict[str, str] = {}  # token -> email
            self.person_tokens: dict[str, str] = {}  # email -> token (idempotent control API)
            # Tokens from the token endpoint: API clients of a Cloud project, which quotas cover.
            self.api_tokens: set[str] = set()
            self.refresh_tokens: dict[str, str] = {}  # refresh token -> email
            self.files: dict[str, DriveFile] = {}
            self.drives: dict[str, SharedDrive] = {}
            self.changes: list[Change] = []
            self.viewers: dict[str, frozenset[str]] = {}  # file id -> accounts that saw it at its last change
            self.comments: dict[str, list[dict[str, Any]]] = {}
            self.uploads: dict[str, Any] = {}  # resumable upload sessions by upload_id
            self.sharing = SharingRules()
            self._perm_seq = itertools.count(1)
            self.change_lag = DEFAULT_CHANGE_LAG_SECONDS
            # Sheets edits not in the change feed yet: file id -> when its (coalesced) entry appears.
            self.delayed: dict[str, float] = {}
            self.limits = Limits()  # Google's size limits and undocumented behaviours (sandbox.google.limits)

    # ---- ids ------------------------------------------------------------------------------
    def new_file_id(self) -> str:
        """A 44-character id shaped like Google's."""
        while True:
            value = "1" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(43))
            if value not in self.files:
                return value

    def new_drive_id(self) -> str:
        """A shared drive id (``0A...``)."""
        return "0A" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(17))

    def new_permission_id(self) -> str:
        """A permission id for a non-user grant."""
        return f"{next(self._perm_seq):020d}"

    # ---- accounts -------------------------------------------------------------------------
    def account(self, email: str, kind: str = "user") -> Account:
        """The Google account of ``email``, created when new (an invited address becomes one)."""
        key = email.lower()
        acct = self.accounts.get(key)
        if acct is None:
            acct = self.accounts[key] = Account(email=key, kind=kind)
        acct.registered = True
        return acct

    def address(self, email: str) -> Account:
        """Whoever ``email`` is, as a share names it: its account, else an address without one."""
        key = email.lower()
        acct = self.accounts.get(key)
        if acct is None:
            acct = self.accounts[key] = Account(email=key, registered=False)
        return acct

    def issue_token(self, email: str, kind: str = "user") -> str:
        """A new bearer token for ``email``."""
        self.account(email, kind)
        token = "ya29.sandbox-" + secrets.token_urlsafe(24)
        self.tokens[token] = email.lower()
        return token

    # ---- access ---------------------------------------------------------------------------
    def role(self, file: DriveFile, email: str, _depth: int = 0) -> str | None:
        """The caller's effective role on ``file`` (None: cannot see it)."""
        best: str | None = None

        def better(role: str | None) -> None:
            nonlocal best
            if role and (best is None or ROLE_RANK[role] > ROLE_RANK[best]):
                best = role

        if file.owner == email:
            better("owner")
        for perm in file.permissions:
            if (
                perm.type == "anyone"
                or (perm.type == "user" and perm.email == email)
                or (perm.type == "domain" and perm.domain and email.endswith("@" + perm.domain))
            ):
                better(perm.role)
        if file.drive_id:
            drive = self.drives.get(file.drive_id)
            if drive and email in drive.members:
                better(drive.members[email])
        if _depth < 50:
            for parent_id in file.parents:
                parent = self.files.get(parent_id)
                if parent is not None:
                    better(self.role(parent, email, _depth + 1))
        return best

    def visible(self, file: DriveFile, email: str) -> bool:
        """Whether the caller can see ``file``."""
        return self.role(file, email) is not None

    def can_write(self, file: DriveFile, email: str) -> bool:
        """Writer or better."""
        role = self.role(file, email)
        return role is not None and ROLE_RANK[role] >= ROLE_RANK["writer"]

    # ---- time -----------------------------------------------------------------------------
    def stamp(self, at: float | None = None) -> str:
        """RFC 3339 of ``at`` (now by default) on the sandbox clock."""
        return now_rfc3339(dt.datetime.fromtimestamp(self.clock() if at is None else at, dt.UTC))

    # ---- changes --------------------------------------------------------------------------
    def touch(self, file: DriveFile, email: str | None, *, removed: bool = False, lagged: bool = False) -> None:
        """Record a modification: bump modifiedTime/version and append to the change log.

        ``lagged``: an edit made through Sheets. Drive lists it in the change feed only
        ``change_lag`` seconds later, coalesced with the file's other edits meanwhile (one entry,
        due when the first edit's lag has passed); :meth:`mature` appends it when due.
        """
        stamp = self.stamp()
        if not removed:
            file.modified_time = stamp
            file.version += 1
            if email:
                file.last_modifier = email
        if lagged and not removed and self.change_lag > 0:
            self.delayed.setdefault(file.id, self.clock() + self.change_lag)
            return
        self._log(file, stamp, removed)

    def mature(self, *, everything: bool = False) -> None:
        """Append to the change log every delayed Sheets edit whose lag has passed (oldest first)."""
        if not self.delayed:
            return
        now = self.clock()
        due = sorted((at, file_id) for file_id, at in self.delayed.items() if everything or at <= now)
        for at, file_id in due:
            del self.delayed[file_id]
            file = self.files.get(file_id)
            if file is not None:  # deleted meanwhile: its deletion is in the log already
                self._log(file, self.stamp(min(at, now)), removed=False)

    def set_change_lag(self, seconds: float) -> None:
        """Tune the lag; 0 also releases every delayed entry at once (nothing is lost)."""
        self.change_lag = seconds
        if seconds == 0:
            self.mature(everything=True)

    def recheck(self, file: DriveFile) -> None:
        """Log a change for ``file`` when who can see it changed without the file itself changing.

        A permission added to or removed from a folder changes who sees everything in it; Drive
        lists those files to the accounts that gained (or, as removed, lost) them.
        """
        if self._viewers(file) != self.viewers.get(file.id, frozenset()):
            self._log(file, self.stamp(), removed=False)

    def _viewers(self, file: DriveFile) -> frozenset[str]:
        return frozenset(email for email in self.accounts if self.visible(file, email))

    def _log(self, file: DriveFile, stamp: str, removed: bool) -> None:
        before = self.viewers.get(file.id, frozenset())
        after = frozenset() if removed else self._viewers(file)
        if removed:
            self.viewers.pop(file.id, None)
        else:
            self.viewers[file.id] = after
        change = Change(len(self.changes) + 1, file.id, stamp, removed, file.drive_id, before - after)
        self.changes.append(change)

    def spreadsheet_file(self, spreadsheet_id: str) -> DriveFile:
        """The Drive file of a spreadsheet; 404 as Sheets says it when unknown."""
        file = self.files.get(spreadsheet_id)
        if file is None or file.spreadsheet is None:
            raise GoogleApiError(404, "Requested entity was not found.")
        return file
