"""Drive v3: files (create, get, list, update, delete, copy, export), comments, permissions,
changes and shared drives, with access enforced for the calling account.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.google.context import Ctx
from sandbox.google.errors import GoogleApiError, drive_file_not_found, export_too_large
from sandbox.google.fields import apply_fields, parse_fields
from sandbox.google.model import (
    FOLDER_MIME,
    ROLE_RANK,
    SPREADSHEET_MIME,
    DriveFile,
    Permission,
    SharedDrive,
    Spreadsheet,
    Store,
    now_rfc3339,
)
from sandbox.google.query import compile_query

FILE_DEFAULT_FIELDS = "kind,id,name,mimeType"
PERMISSION_ROLES = {"owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"}
PERMISSION_TYPES = {"user", "group", "domain", "anyone"}


def drive_error(code: int, message: str, reason: str, location: str | None = None) -> GoogleApiError:
    """A Drive-shaped error."""
    return GoogleApiError(code, message, api="drive", reason=reason, location=location)


def insufficient() -> GoogleApiError:
    """403 insufficientFilePermissions."""
    return drive_error(
        403, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions"
    )


def storage_quota_exceeded() -> GoogleApiError:
    """What Drive answers a service account creating a file outside a shared drive."""
    return drive_error(
        403,
        "Service Accounts do not have storage quota. Leverage shared drives "
        "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth "
        "delegation (http://support.google.com/a/answer/7281227) instead.",
        "storageQuotaExceeded",
    )


# ---- resources ------------------------------------------------------------------------------
def user_json(store: Store, email: str, me: str) -> dict[str, Any]:
    """A drive#user."""
    account = store.account(email)
    return {
        "kind": "drive#user",
        "displayName": email.split("@")[0],
        "me": email == me,
        "permissionId": account.permission_id,
        "emailAddress": email,
    }


def permission_json(
    store: Store, perm: Permission, file: DriveFile | None = None, *, inherited: bool = False
) -> dict[str, Any]:
    """A drive#permission; ``inherited`` for a shared drive member's access to an item in it."""
    out: dict[str, Any] = {"kind": "drive#permission", "id": perm.id, "type": perm.type, "role": perm.role}
    if perm.email:
        out["emailAddress"] = perm.email
        out["displayName"] = perm.email.split("@")[0]
    if perm.domain:
        out["domain"] = perm.domain
    if perm.type == "anyone":
        out["allowFileDiscovery"] = perm.id != "anyoneWithLink"
    out["deleted"] = False
    if file is not None and not file.drive_id:
        out["pendingOwner"] = False
    if file is not None:
        detail: dict[str, Any] = {
            "permissionType": "member" if inherited else "file",
            "role": perm.role,
            "inherited": inherited,
        }
        if inherited and file.drive_id:
            detail["inheritedFrom"] = file.drive_id
        out["permissionDetails"] = [detail]
    return out


def all_permissions(store: Store, file: DriveFile) -> list[tuple[Permission, bool]]:
    """The file's permissions, each with whether it is inherited: the owner's, those on the file,
    and (inherited) the members of its shared drive."""
    perms: list[tuple[Permission, bool]] = []
    if file.owner:
        perms.append((Permission(store.account(file.owner).permission_id, "user", "owner", file.owner), False))
    perms.extend((perm, False) for perm in file.permissions)
    if file.drive_id and file.drive_id in store.drives:
        for email, role in store.drives[file.drive_id].members.items():
            perms.append((Permission(store.account(email).permission_id, "user", role, email), True))
    return perms


# Drive's answer, as quoted from live traffic (reason invalidSharingRequest, HTTP 400).
NO_ACCOUNT_MESSAGE = (
    'Bad Request. User message: "You are trying to invite {email}. Since there is no Google account '
    'associated with this email address, you must check the Notify people box to invite this recipient."'
)


def may_share(store: Store, file: DriveFile, email: str) -> bool:
    """Whether ``email`` may change ``file``'s permissions: a writer only while writers can share
    (``writersCanShare`` applies to My Drive items; in a shared drive its members' roles decide)."""
    role = store.role(file, email)
    if role is None or ROLE_RANK[role] < ROLE_RANK["writer"]:
        return False
    if role == "writer" and not file.drive_id and not file.writers_can_share:
        return not store.sharing.enforce_writers_can_share
    return True


def file_json(ctx: Ctx, file: DriveFile) -> dict[str, Any]:
    """The full drive#file resource as the caller sees it."""
    store, email = ctx.store, ctx.email
    role = store.role(file, email) or "reader"
    can_edit = ROLE_RANK[role] >= ROLE_RANK["writer"]
    can_share = may_share(store, file, email)
    out: dict[str, Any] = {
        "kind": "drive#file",
        "id": file.id,
        "name": file.name,
        "mimeType": file.mime_type,
        "starred": file.starred,
        "trashed": file.trashed,
        "explicitlyTrashed": file.trashed,
        "parents": list(file.parents) if file.parents else ([file.drive_id] if file.drive_id else []),
        "spaces": ["drive"],
        "version": str(file.version),
        "webViewLink": _web_link(file),
        "iconLink": f"https://drive-thirdparty.googleusercontent.com/16/type/{file.mime_type}",
        "hasThumbnail": False,
        "viewedByMe": file.owner == email,
        "createdTime": file.created_time,
        "modifiedTime": file.modified_time,
        "modifiedByMe": file.last_modifier == email,
        "shared": bool(file.permissions),
        "ownedByMe": file.owner == email,
        "capabilities": {
            "canEdit": can_edit,
            "canComment": ROLE_RANK[role] >= ROLE_RANK["commenter"],
            "canShare": can_share,
            "canCopy": True,
            "canDelete": role in {"owner", "organizer"},
            "canRename": can_edit,
            "canTrash": role in {"owner", "organizer", "fileOrganizer"},
            "canAddChildren": can_edit and file.mime_type == FOLDER_MIME,
            "canDownload": True,
            "canReadRevisions": can_edit,
        },
        "viewersCanCopyContent": True,
        "copyRequiresWriterPermission": False,
        "isAppAuthorized": False,
        "quotaBytesUsed": "0",
    }
    if file.app_properties:
        out["appProperties"] = dict(file.app_properties)
    if file.properties:
        out["properties"] = dict(file.properties)
    if file.description:
        out["description"] = file.description
    if file.drive_id:
        out["driveId"] = file.drive_id
        out["teamDriveId"] = file.drive_id
    else:
        # Not populated for items in shared drives (drive.v3 File.writersCanShare, owners).
        out["owners"] = [user_json(store, file.owner, email)] if file.owner else []
        out["writersCanShare"] = file.writers_can_share
    if file.last_modifier:
        out["lastModifyingUser"] = user_json(store, file.last_modifier, email)
    perms = all_permissions(store, file)
    if can_edit:
        # "Only available if the requesting user can share the file. Not populated for items in
        # shared drives": those list their permissions with permissions.list.
        if can_share and (not file.drive_id or store.sharing.file_permissions_in_shared_drives):
            out["permissions"] = [permission_json(store, p, file, inherited=i) for p, i in perms]
        out["permissionIds"] = [p.id for p, _ in perms]
    if file.content is not None:
        out["size"] = str(len(file.content))
        import hashlib

        out["md5Checksum"] = hashlib.md5(file.content).hexdigest()
    return out


def _web_link(file: DriveFile) -> str:
    if file.mime_type == SPREADSHEET_MIME:
        return f"https://docs.google.com/spreadsheets/d/{file.id}/edit?usp=drivesdk"
    if file.mime_type == FOLDER_MIME:
        return f"https://drive.google.com/drive/folders/{file.id}"
    return f"https://drive.google.com/file/d/{file.id}/view?usp=drivesdk"


def respond_file(ctx: Ctx, file: DriveFile) -> dict[str, Any]:
    """A file resource restricted to ``fields`` (default kind,id,name,mimeType)."""
    resource: dict[str, Any] = apply_fields(
        file_json(ctx, file), parse_fields(ctx.arg("fields") or FILE_DEFAULT_FIELDS)
    )
    return resource


def drive_json(store: Store, drive: SharedDrive, email: str) -> dict[str, Any]:
    """A drive#drive."""
    role = drive.members.get(email)
    return {
        "kind": "drive#drive",
        "id": drive.id,
        "name": drive.name,
        "createdTime": drive.created_time,
        "hidden": False,
        "capabilities": {
            "canAddChildren": role in {"organizer", "fileOrganizer", "writer"},
            "canManageMembers": role == "organizer",
            "canEdit": role in {"organizer", "fileOrganizer", "writer"},
            "canDeleteDrive": role == "organizer",
            "canRenameDrive": role == "organizer",
        },
        "restrictions": {
            "adminManagedRestrictions": False,
            "copyRequiresWriterPermission": False,
            "domainUsersOnly": False,
            "driveMembersOnly": False,
        },
    }


# ---- lookups ------------------------------------------------------------------------------------
def get_file(ctx: Ctx, file_id: str, *, write: bool = False, any_drive: bool = False) -> DriveFile:
    """A file the caller can see (404 otherwise); 403 when ``write`` and it is read-only.

    ``any_drive``: the method has no ``supportsAllDrives`` parameter (files.export) and serves
    Shared Drive files as Google does.
    """
    file = ctx.store.files.get(file_id)
    if file is None or not ctx.store.visible(file, ctx.email):
        raise drive_file_not_found(file_id)
    if file.drive_id and not any_drive and not ctx.flag("supportsAllDrives") and not ctx.flag("supportsTeamDrives"):
        raise drive_file_not_found(file_id)
    if write and not ctx.store.can_write(file, ctx.email):
        raise insufficient()
    return file


def _resolve_parent(ctx: Ctx, parent_id: str) -> tuple[str | None, str | None]:
    """(folder id or None for a drive root, drive id) for a parent the caller may add to."""
    store = ctx.store
    drive = store.drives.get(parent_id)
    if drive is not None:
        if not (ctx.flag("supportsAllDrives") or ctx.flag("supportsTeamDrives")):
            raise drive_file_not_found(parent_id)
        role = drive.members.get(ctx.email)
        if role is None:
            raise drive_file_not_found(parent_id)
        if ROLE_RANK[role] < ROLE_RANK["writer"]:
            raise insufficient()
        return None, drive.id
    if parent_id == "root":
        return None, None
    parent = get_file(ctx, parent_id)
    if parent.mime_type != FOLDER_MIME:
        raise drive_error(400, "The parent must be a folder.", "invalidParent", "parents")
    if not store.can_write(parent, ctx.email):
        raise insufficient()
    return parent.id, parent.drive_id


def placement(ctx: Ctx, parents: Any) -> tuple[list[str], str | None]:
    """(parent folder ids, shared drive id) for a new file's ``parents``, checked for access."""
    if parents in (None, []):
        return [], None
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise drive_error(400, "Invalid value for parents.", "invalid", "parents")
    if len(parents) > 1:
        raise drive_error(
            403,
            "Increasing the number of parents is not allowed.",
            "cannotAddParent",
        )
    folder, drive_id = _resolve_parent(ctx, parents[0])
    return ([folder] if folder else []), drive_id


def check_quota(ctx: Ctx, drive_id: str | None) -> None:
    """403 storageQuotaExceeded for a service account creating outside a shared drive."""
    if ctx.account.is_service and drive_id is None:
        raise storage_quota_exceeded()


def _string_map(value: Any, name: str) -> dict[str, str | None]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise drive_error(400, f"Invalid value for {name}.", "invalid", name)
    out: dict[str, str | None] = {}
    for key, item in value.items():
        if item is not None and not isinstance(item, (str, int, float, bool)):
            raise drive_error(400, f"Invalid value for {name}.", "invalid", name)
        if len(str(key)) + len(str(item or "")) > 124:
            raise drive_error(
                400,
                "The size of a property key and value must not exceed 124 bytes.",
                "invalidProperty",
                name,
            )
        out[str(key)] = None if item is None else str(item)
    return out


def _flag_field(body: dict[str, Any], name: str, default: bool) -> bool:
    """A boolean field of a request body; 400 when it is not a boolean."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise drive_error(400, f"Invalid value for {name}.", "invalid", name)
    return value


def new_spreadsheet(file_id: str, title: str, locale: str = "en_US", time_zone: str = "Etc/GMT") -> Spreadsheet:
    """A fresh spreadsheet with ``Sheet1`` (sheetId 0), as Drive and Sheets create it."""
    spreadsheet = Spreadsheet(file_id, title, locale, time_zone)
    spreadsheet.add_sheet("Sheet1", sheet_id=0)
    return spreadsheet


def create_file(
    ctx: Ctx,
    metadata: dict[str, Any],
    content: bytes | None = None,
    content_type: str | None = None,
    file_id: str | None = None,
) -> DriveFile:
    """files.create: a folder, a spreadsheet or a file with content."""
    store = ctx.store
    name = metadata.get("name")
    if name is not None and not isinstance(name, str):
        raise drive_error(400, "Invalid value for name.", "invalid", "name")
    mime = metadata.get("mimeType") or content_type or "application/octet-stream"
    parents, drive_id = placement(ctx, metadata.get("parents"))
    if metadata.get("driveId") and not parents and drive_id is None:
        _, drive_id = _resolve_parent(ctx, str(metadata["driveId"]))
    check_quota(ctx, drive_id)
    requested_id = metadata.get("id") or file_id
    if requested_id and requested_id in store.files:
        raise drive_error(409, "A file already exists with the provided ID.", "duplicate", "id")
    file = DriveFile(
        id=requested_id or store.new_file_id(),
        name=name if name is not None else "Untitled",
        mime_type=mime,
        owner=None if drive_id else ctx.email,
        parents=parents,
        drive_id=drive_id,
        app_properties={
            k: v for k, v in _string_map(metadata.get("appProperties"), "appProperties").items() if v is not None
        },
        properties={k: v for k, v in _string_map(metadata.get("properties"), "properties").items() if v is not None},
        description=metadata.get("description"),
        last_modifier=ctx.email,
        writers_can_share=_flag_field(metadata, "writersCanShare", True),
    )
    if mime == SPREADSHEET_MIME:
        file.spreadsheet = new_spreadsheet(file.id, file.name)
        if name is None:
            file.name = file.spreadsheet.title = "Untitled spreadsheet"
    elif mime != FOLDER_MIME:
        file.content = content or b""
    store.files[file.id] = file
    store.touch(file, ctx.email)
    return file


# ---- handlers ----------------------------------------------------------------------------------
def files_create(ctx: Ctx) -> Any:
    """POST /drive/v3/files."""
    file = create_file(ctx, ctx.json_object())
    return respond_file(ctx, file)


def files_get(ctx: Ctx, file_id: str) -> Any:
    """GET /drive/v3/files/{id} (``alt=media`` downloads content)."""
    file = get_file(ctx, file_id)
    if ctx.arg("alt") == "media":
        if file.content is None:
            raise drive_error(
                403,
                "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                "fileNotDownloadable",
                "alt",
            )
        from werkzeug.wrappers import Response

        return Response(file.content, mimetype=file.mime_type)
    return respond_file(ctx, file)


def _corpus_files(ctx: Ctx) -> list[DriveFile]:
    store = ctx.store
    corpora = ctx.arg("corpora") or "user"
    drive_id = ctx.arg("driveId") or ctx.arg("teamDriveId")
    all_drives = ctx.flag("includeItemsFromAllDrives") or ctx.flag("includeTeamDriveItems")
    supports = ctx.flag("supportsAllDrives") or ctx.flag("supportsTeamDrives")
    if all_drives and not supports:
        raise drive_error(
            403,
            "The includeItemsFromAllDrives parameter can only be set to true "
            "when supportsAllDrives is also set to true.",
            "invalid",
            "includeItemsFromAllDrives",
        )
    if corpora not in {"user", "drive", "allDrives", "domain", "teamDrive"}:
        raise drive_error(400, "Invalid Value", "invalid", "corpora")
    if (corpora in {"drive", "teamDrive"}) != bool(drive_id):
        raise drive_error(
            400,
            "The driveId parameter must be specified if and only if corpora is set to drive.",
            "invalid",
            "driveId",
        )
    if corpora in {"drive", "allDrives", "teamDrive"} and not all_drives:
        raise drive_error(
            403,
            "The includeItemsFromAllDrives parameter must be set to true when corpora is set to drive or allDrives.",
            "invalid",
            "includeItemsFromAllDrives",
        )
    files = [f for f in store.files.values() if store.visible(f, ctx.email)]
    if corpora in {"drive", "teamDrive"}:
        drive = store.drives.get(drive_id or "")
        if drive is None or ctx.email not in drive.members:
            raise drive_error(404, f"Shared drive not found: {drive_id}", "notFound", "driveId")
        return [f for f in files if f.drive_id == drive_id]
    if not all_drives:
        files = [f for f in files if f.drive_id is None]
    return files


_ORDER_KEYS = {
    "modifiedtime": lambda f: f.modified_time,
    "createdtime": lambda f: f.created_time,
    "name": lambda f: f.name.lower(),
    "name_natural": lambda f: f.name.lower(),
    "folder": lambda f: f.mime_type != FOLDER_MIME,
    "recency": lambda f: f.modified_time,
    "starred": lambda f: not f.starred,
}


def _order(files: list[DriveFile], order_by: str | None) -> list[DriveFile]:
    terms = [t.strip() for t in (order_by or "modifiedTime desc").split(",") if t.strip()]
    for term in reversed(terms):
        key, _, direction = term.partition(" ")
        func = _ORDER_KEYS.get(key.lower())
        if func is None:
            raise drive_error(400, "Invalid Value", "invalid", "orderBy")
        files = sorted(files, key=func, reverse=direction.strip().lower() == "desc")
    return files


def _page(ctx: Ctx, items: list[Any], default_size: int, max_size: int) -> tuple[list[Any], str | None]:
    size = ctx.int_arg("pageSize", default_size)
    if size < 1 or size > max_size:
        raise drive_error(
            400,
            f"Invalid value '{size}'. Values must be within the range: [1, {max_size}]",
            "invalid",
            "pageSize",
        )
    token = ctx.arg("pageToken") or ""
    try:
        offset = int(token) if token else 0
    except ValueError:
        raise drive_error(400, "Invalid Value", "invalid", "pageToken") from None
    page = items[offset : offset + size]
    following = str(offset + size) if offset + size < len(items) else None
    return page, following


def files_list(ctx: Ctx) -> Any:
    """GET /drive/v3/files."""
    files = _corpus_files(ctx)
    query = ctx.arg("q")
    if query:
        predicate = compile_query(query, ctx.store)
        files = [f for f in files if predicate(f, ctx.email)]
    files = _order(files, ctx.arg("orderBy"))
    page, following = _page(ctx, files, 100, 1000)
    body: dict[str, Any] = {"kind": "drive#fileList"}
    if following:
        body["nextPageToken"] = following
    body["incompleteSearch"] = False
    body["files"] = [file_json(ctx, f) for f in page]
    fields = ctx.arg("fields") or f"kind,nextPageToken,incompleteSearch,files({FILE_DEFAULT_FIELDS})"
    return apply_fields(body, parse_fields(fields))


def files_update(
    ctx: Ctx,
    file_id: str,
    content: bytes | None = None,
    content_type: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Any:
    """PATCH /drive/v3/files/{id}: name, parents, appProperties, description, trashed
    (and, from the upload endpoint, new content with its metadata)."""
    store = ctx.store
    file = get_file(ctx, file_id, write=True)
    body = metadata if metadata is not None else ctx.json_object()
    if "name" in body:
        if not isinstance(body["name"], str):
            raise drive_error(400, "Invalid value for name.", "invalid", "name")
        file.name = body["name"]
        if file.spreadsheet is not None:
            file.spreadsheet.title = file.name
    for key, attr in (("appProperties", "app_properties"), ("properties", "properties")):
        if key in body:
            current = getattr(file, attr)
            for k, v in _string_map(body[key], key).items():
                if v is None:
                    current.pop(k, None)
                else:
                    current[k] = v
    if "description" in body:
        file.description = body["description"]
    if "writersCanShare" in body:
        if not may_share(store, file, ctx.email):
            raise insufficient()
        file.writers_can_share = _flag_field(body, "writersCanShare", True)
    if "trashed" in body:
        if body["trashed"] and not (
            file.owner == ctx.email or (store.role(file, ctx.email) in {"organizer", "fileOrganizer"})
        ):
            raise insufficient()
        file.trashed = bool(body["trashed"])
    if "starred" in body:
        file.starred = bool(body["starred"])
    if "parents" in body:
        raise drive_error(
            403,
            "The parents field is not directly writable in update requests. "
            "Use the addParents and removeParents parameters instead.",
            "fieldNotWritable",
        )
    add = [p for p in (ctx.arg("addParents") or "").split(",") if p]
    remove = [p for p in (ctx.arg("removeParents") or "").split(",") if p]
    if add or remove:
        parents = [p for p in file.parents if p not in remove]
        drive_id = file.drive_id
        for parent_id in add:
            folder, parent_drive = _resolve_parent(ctx, parent_id)
            if folder and folder not in parents:
                parents.append(folder)
            drive_id = parent_drive
        if len(parents) > 1:
            raise drive_error(
                403,
                "A shared drive item must have exactly one parent."
                if drive_id
                else "Increasing the number of parents is not allowed.",
                "cannotAddParent",
            )
        if drive_id != file.drive_id and file.drive_id is None and drive_id is not None:
            file.owner = None
        file.parents = parents
        file.drive_id = drive_id
    if content is not None:
        file.content = content
        if content_type:
            file.mime_type = content_type
    _touch_tree(store, file, ctx.email)  # a move can change who sees what is inside
    return respond_file(ctx, file)


def _descendants(store: Store, file: DriveFile) -> list[DriveFile]:
    out, stack = [], [file.id]
    while stack:
        current = stack.pop()
        for other in store.files.values():
            if current in other.parents:
                out.append(other)
                stack.append(other.id)
    return out


def _touch_tree(store: Store, file: DriveFile, email: str) -> None:
    """Record a change of ``file``, and of each file under it whose viewers changed with it."""
    store.touch(file, email)
    if file.mime_type == FOLDER_MIME:
        for child in _descendants(store, file):
            store.recheck(child)


def files_delete(ctx: Ctx, file_id: str) -> Any:
    """DELETE /drive/v3/files/{id}: owner (or organizer) only."""
    store = ctx.store
    file = get_file(ctx, file_id)
    role = store.role(file, ctx.email)
    if role not in {"owner", "organizer"}:
        raise insufficient()
    for victim in [file, *_descendants(store, file)]:
        store.files.pop(victim.id, None)
        store.touch(victim, ctx.email, removed=True)
    return None


def files_copy(ctx: Ctx, file_id: str) -> Any:
    """POST /drive/v3/files/{id}/copy."""
    source = get_file(ctx, file_id)
    body = ctx.json_object()
    parents = body.get("parents")
    if parents is None:
        parents = (
            source.parents[:1]
            if source.parents and ctx.store.can_write(ctx.store.files[source.parents[0]], ctx.email)
            else (
                [source.drive_id]
                if source.drive_id
                and source.drive_id in ctx.store.drives
                and ctx.email in ctx.store.drives[source.drive_id].members
                else []
            )
        )
    metadata = {
        "name": body.get("name") or f"Copy of {source.name}",
        "mimeType": source.mime_type,
        "parents": parents,
        "appProperties": body.get("appProperties"),
        "properties": body.get("properties"),
        "description": body.get("description", source.description),
    }
    copy_file = create_file(ctx, metadata, content=source.content)
    if source.spreadsheet is not None:
        duplicate = copy.deepcopy(source.spreadsheet)
        duplicate.id = copy_file.id
        duplicate.title = copy_file.name
        copy_file.spreadsheet = duplicate
    return respond_file(ctx, copy_file)


def files_export(ctx: Ctx, file_id: str) -> Any:
    """GET /drive/v3/files/{id}/export?mimeType=..."""
    from werkzeug.wrappers import Response

    from sandbox.google.export import EXPORTERS

    file = get_file(ctx, file_id, any_drive=True)
    mime = ctx.arg("mimeType")
    if not mime:
        raise drive_error(400, "Required parameter: mimeType", "required", "mimeType")
    if file.spreadsheet is None:
        raise drive_error(403, "Export only supports Docs Editors files.", "fileNotExportable")
    exporter = EXPORTERS.get(mime)
    if exporter is None:
        raise drive_error(400, "The requested conversion is not supported.", "badRequest", "convertTo")
    content = exporter(file.spreadsheet)
    if len(content) > ctx.store.limits.export_bytes:
        raise export_too_large()
    return Response(content, mimetype=mime)


def comments_list(ctx: Ctx, file_id: str) -> Any:
    """GET /drive/v3/files/{id}/comments (the sandbox holds no comments)."""
    get_file(ctx, file_id)
    if not ctx.arg("fields"):
        raise drive_error(400, "The 'fields' parameter is required for this method.", "required", "fields")
    comments = ctx.store.comments.get(file_id, [])
    body = {"kind": "drive#commentList", "comments": copy.deepcopy(comments)}
    return apply_fields(body, parse_fields(ctx.arg("fields") or "*"))


# ---- permissions ---------------------------------------------------------------------------------
def _sharer_file(ctx: Ctx, file_id: str) -> DriveFile:
    """The file whose permissions the caller changes: 404 unseen, 403 unless the caller may share."""
    file = get_file(ctx, file_id)
    if not may_share(ctx.store, file, ctx.email):
        raise insufficient()
    return file


def permissions_create(ctx: Ctx, file_id: str) -> Any:
    """POST /drive/v3/files/{id}/permissions."""
    store = ctx.store
    file = _sharer_file(ctx, file_id)
    body = ctx.json_object()
    kind, role = body.get("type"), body.get("role")
    if kind not in PERMISSION_TYPES:
        raise drive_error(400, "Invalid permission type specified", "invalid", "permission.type")
    if role not in PERMISSION_ROLES:
        raise drive_error(400, "Invalid permission role specified", "invalid", "permission.role")
    email = (body.get("emailAddress") or "").lower() or None
    if kind in {"user", "group"} and not email:
        raise drive_error(400, "The permission emailAddress field is required.", "required", "permission.emailAddress")
    if kind == "domain" and not body.get("domain"):
        raise drive_error(400, "The permission domain field is required.", "required", "permission.domain")
    # sendNotificationEmail defaults to true for users and groups.
    notify = (ctx.arg("sendNotificationEmail") or "true").lower() not in {"false", "0"}
    if (
        kind in {"user", "group"}
        and email
        and not notify
        and store.sharing.notify_required_without_account
        and not (email in store.accounts and store.accounts[email].registered)
    ):
        raise drive_error(400, NO_ACCOUNT_MESSAGE.format(email=email), "invalidSharingRequest")
    if role == "owner":
        if not ctx.flag("transferOwnership"):
            raise drive_error(
                403,
                "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
                "forbidden",
                "transferOwnership",
            )
        if file.drive_id:
            raise drive_error(
                403, "Shared drive items cannot be transferred.", "teamDrivesOwnershipTransferNotSupported"
            )
        if file.owner:
            file.permissions.append(Permission(store.account(file.owner).permission_id, "user", "writer", file.owner))
        file.owner = email
        file.permissions = [p for p in file.permissions if p.email != email]
        perm = Permission(store.account(email or "").permission_id, "user", "owner", email)
    else:
        if email:
            perm_id = store.address(email).permission_id
        elif kind == "anyone":
            perm_id = "anyoneWithLink" if body.get("allowFileDiscovery") is False else "anyone"
        else:
            perm_id = store.new_permission_id()
        existing = next((p for p in file.permissions if p.id == perm_id), None)
        if existing is not None:
            existing.role = role
            perm = existing
        else:
            perm = Permission(perm_id, kind, role, email, body.get("domain"))
            file.permissions.append(perm)
    _touch_tree(store, file, ctx.email)
    out = permission_json(store, perm, file)
    return apply_fields(out, parse_fields(ctx.arg("fields") or "kind,id,type,role"))


def permissions_list(ctx: Ctx, file_id: str) -> Any:
    """GET /drive/v3/files/{id}/permissions: pages of at most 100 (``pageSize``, ``pageToken``)."""
    file = get_file(ctx, file_id)
    if not ctx.store.can_write(file, ctx.email):
        raise insufficient()
    listed = [permission_json(ctx.store, p, file, inherited=i) for p, i in all_permissions(ctx.store, file)]
    size = min(ctx.int_arg("pageSize", 100), 100)
    if size < 1:
        raise drive_error(400, f"Invalid value '{size}'. Values must be within the range: [1, 100]", "invalid")
    token = ctx.arg("pageToken") or ""
    try:
        offset = int(token) if token else 0
    except ValueError:
        raise drive_error(400, "Invalid Value", "invalid", "pageToken") from None
    body: dict[str, Any] = {"kind": "drive#permissionList"}
    if offset + size < len(listed):
        body["nextPageToken"] = str(offset + size)
    body["permissions"] = listed[offset : offset + size]
    fields = ctx.arg("fields") or "kind,nextPageToken,permissions(kind,id,type,emailAddress,role)"
    return apply_fields(body, parse_fields(fields))


def permissions_get(ctx: Ctx, file_id: str, permission_id: str) -> Any:
    """GET /drive/v3/files/{id}/permissions/{permissionId}."""
    file = get_file(ctx, file_id)
    for perm, inherited in all_permissions(ctx.store, file):
        if perm.id == permission_id:
            return apply_fields(
                permission_json(ctx.store, perm, file, inherited=inherited),
                parse_fields(ctx.arg("fields") or "kind,id,type,role"),
            )
    raise drive_error(404, f"Permission not found: {permission_id}.", "notFound", "permissionId")


def permissions_delete(ctx: Ctx, file_id: str, permission_id: str) -> Any:
    """DELETE /drive/v3/files/{id}/permissions/{permissionId}."""
    store = ctx.store
    file = _sharer_file(ctx, file_id)
    if file.owner and store.account(file.owner).permission_id == permission_id:
        raise drive_error(403, "The owner of a file cannot be removed.", "cannotRemoveOwner")
    before = len(file.permissions)
    file.permissions = [p for p in file.permissions if p.id != permission_id]
    if len(file.permissions) == before:
        raise drive_error(404, f"Permission not found: {permission_id}.", "notFound", "permissionId")
    _touch_tree(store, file, ctx.email)
    return None


# ---- changes -------------------------------------------------------------------------------------
def changes_start_token(ctx: Ctx) -> Any:
    """GET /drive/v3/changes/startPageToken."""
    ctx.store.mature()
    body = {"kind": "drive#startPageToken", "startPageToken": str(len(ctx.store.changes) + 1)}
    return apply_fields(body, parse_fields(ctx.arg("fields") or "*"))


def changes_list(ctx: Ctx) -> Any:
    """GET /drive/v3/changes?pageToken=N: the latest change per file the caller can see.

    A file the caller could see and no longer can (deleted, or its permission removed) is
    listed as ``removed: true`` without ``file``; files the caller never saw are not listed.
    An edit made through Sheets is listed only once its lag has passed (``Store.mature``), at the
    end of the log: a token taken before it appeared still finds it.
    """
    store = ctx.store
    store.mature()
    token = ctx.arg("pageToken")
    if not token:
        raise drive_error(400, "Required parameter: pageToken", "required", "pageToken")
    try:
        start = int(token)
    except ValueError:
        raise drive_error(400, "Invalid Value", "invalid", "pageToken") from None
    if start < 1:
        raise drive_error(400, "Invalid Value", "invalid", "pageToken")
    size = ctx.int_arg("pageSize", 100)
    if size < 1 or size > 1000:
        raise drive_error(400, "Invalid Value", "invalid", "pageSize")
    all_drives = ctx.flag("includeItemsFromAllDrives") or ctx.flag("includeTeamDriveItems")
    drive_id = ctx.arg("driveId")
    include_removed = (ctx.arg("includeRemoved") or "true").lower() != "false"
    window = store.changes[start - 1 :]
    latest: dict[str, Any] = {}
    lost: set[str] = set()  # files the caller saw and stopped seeing within the window
    for change in window:
        latest[change.file_id] = change
        if ctx.email in change.lost:
            lost.add(change.file_id)
    ordered = sorted(latest.values(), key=lambda c: c.seq)
    out: list[dict[str, Any]] = []
    following: str | None = None
    for change in ordered:
        if len(out) >= size:
            following = str(change.seq)
            break
        file = store.files.get(change.file_id)
        if drive_id and change.drive_id != drive_id:
            continue
        if change.drive_id and not (all_drives or drive_id):
            continue
        if file is not None and not change.removed and store.visible(file, ctx.email):
            out.append(
                {
                    "kind": "drive#change",
                    "changeType": "file",
                    "removed": False,
                    "fileId": file.id,
                    "time": change.time,
                    "file": file_json(ctx, file),
                }
            )
        elif change.file_id in lost and include_removed:
            # Deleted, or the caller lost access: Drive says ``removed`` and gives no file.
            out.append(
                {
                    "kind": "drive#change",
                    "changeType": "file",
                    "removed": True,
                    "fileId": change.file_id,
                    "time": change.time,
                }
            )
    body: dict[str, Any] = {"kind": "drive#changeList"}
    if following:
        body["nextPageToken"] = following
    else:
        body["newStartPageToken"] = str(len(store.changes) + 1)
    body["changes"] = out
    fields = (
        ctx.arg("fields")
        or "kind,nextPageToken,newStartPageToken,"
        "changes(kind,changeType,removed,fileId,time,file(kind,id,name,mimeType))"
    )
    return apply_fields(body, parse_fields(fields))


# ---- shared drives -------------------------------------------------------------------------------
def drives_create(ctx: Ctx) -> Any:
    """POST /drive/v3/drives?requestId=..."""
    if not ctx.arg("requestId"):
        raise drive_error(400, "Required parameter: requestId", "required", "requestId")
    body = ctx.json_object()
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise drive_error(400, "Required: name", "required", "name")
    drive = SharedDrive(ctx.store.new_drive_id(), name, {ctx.email: "organizer"})
    ctx.store.drives[drive.id] = drive
    return apply_fields(drive_json(ctx.store, drive, ctx.email), parse_fields(ctx.arg("fields") or "kind,id,name"))


def drives_get(ctx: Ctx, drive_id: str) -> Any:
    """GET /drive/v3/drives/{id}."""
    drive = ctx.store.drives.get(drive_id)
    if drive is None or ctx.email not in drive.members:
        raise drive_error(404, f"Shared drive not found: {drive_id}", "notFound", "driveId")
    return apply_fields(drive_json(ctx.store, drive, ctx.email), parse_fields(ctx.arg("fields") or "kind,id,name"))


def drives_list(ctx: Ctx) -> Any:
    """GET /drive/v3/drives."""
    drives = [d for d in ctx.store.drives.values() if ctx.email in d.members]
    page, following = _page(ctx, drives, 10, 100)
    body: dict[str, Any] = {"kind": "drive#driveList"}
    if following:
        body["nextPageToken"] = following
    body["drives"] = [drive_json(ctx.store, d, ctx.email) for d in page]
    return apply_fields(body, parse_fields(ctx.arg("fields") or "kind,nextPageToken,drives(kind,id,name)"))


def now() -> str:
    """Current time in RFC 3339 (re-exported for the control API)."""
    return now_rfc3339()
