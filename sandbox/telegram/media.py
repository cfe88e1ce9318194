"""Photos, documents and stickers as Telegram stores them: sizes, file ids, paths, MIME types."""

from __future__ import annotations

import io
import mimetypes
from pathlib import PurePosixPath

from sandbox.telegram.errors import BadRequest
from sandbox.telegram.params import Upload
from sandbox.telegram.state import BotState, Json, StoredFile

# Telegram keeps a photo in a few sizes: thumbnails up to 90, 320 and 800 px, and the photo
# itself scaled down to at most 1280 px on its longer side.
_THUMBNAIL_LIMITS = (90, 320, 800)
_PHOTO_LIMIT = 1280


def _scaled(width: int, height: int, limit: int) -> tuple[int, int]:
    """``width`` x ``height`` shrunk so the longer side is at most ``limit``."""
    longest = max(width, height)
    if longest <= limit:
        return width, height
    ratio = limit / longest
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def store_photo(bot: BotState, upload: Upload) -> list[Json]:
    """Keep an uploaded photo in Telegram's sizes; the PhotoSize list for the message."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError as err:  # pragma: no cover - Pillow comes with matplotlib
        raise BadRequest("IMAGE_PROCESS_FAILED") from err
    if not upload.content:
        raise BadRequest("file must be non-empty")
    try:
        image: Image.Image = Image.open(io.BytesIO(upload.content))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise BadRequest("IMAGE_PROCESS_FAILED") from err
    image = image.convert("RGB")
    width, height = image.size
    limits = [limit for limit in _THUMBNAIL_LIMITS if max(width, height) > limit] + [_PHOTO_LIMIT]
    files: list[StoredFile] = []
    for limit in limits:
        size = _scaled(width, height, limit)
        buffer = io.BytesIO()
        image.resize(size).save(buffer, format="JPEG", quality=87)
        file_id, unique_id, number = bot.new_file_ids("AgACAgIAAxk")
        stored = StoredFile(file_id, unique_id, "photo", buffer.getvalue(), f"photos/file_{number}.jpg")
        stored.media = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_size": len(stored.content),
            "width": size[0],
            "height": size[1],
        }
        files.append(stored)
    sizes = [stored.media for stored in files if stored.media is not None]
    for stored in files:
        stored.photo_sizes = sizes
        _keep(bot, stored)
    return sizes


def guess_mime_type(file_name: str, declared: str | None) -> str:
    """The MIME type Telegram reports for a document."""
    if declared and declared not in {"application/octet-stream", "text/plain"}:
        return declared
    guessed, _ = mimetypes.guess_type(file_name)
    return guessed or declared or "application/octet-stream"


def store_document(bot: BotState, upload: Upload) -> Json:
    """Keep an uploaded document; the Document object for the message."""
    if not upload.content:
        raise BadRequest("file must be non-empty")
    file_name = PurePosixPath(upload.filename.replace("\\", "/")).name or "document"
    file_id, unique_id, number = bot.new_file_ids("BQACAgIAAxk")
    suffix = PurePosixPath(file_name).suffix.lower()
    stored = StoredFile(file_id, unique_id, "document", upload.content, f"documents/file_{number}{suffix}")
    stored.file_name = file_name
    stored.mime_type = guess_mime_type(file_name, upload.mimetype)
    stored.media = {
        "file_name": file_name,
        "mime_type": stored.mime_type,
        "file_id": file_id,
        "file_unique_id": unique_id,
        "file_size": len(upload.content),
    }
    _keep(bot, stored)
    return stored.media


def store_sticker(bot: BotState) -> Json:
    """A static sticker someone sends to the bot; the Sticker object for the message."""
    content = sample_image(512, 512, "WEBP")
    file_id, unique_id, number = bot.new_file_ids("CAACAgIAAxk")
    stored = StoredFile(file_id, unique_id, "sticker", content, f"stickers/file_{number}.webp")
    stored.media = {
        "width": 512,
        "height": 512,
        "emoji": "\N{THUMBS UP SIGN}",
        "set_name": "KinerjaSandbox",
        "is_animated": False,
        "is_video": False,
        "type": "regular",
        "file_id": file_id,
        "file_unique_id": unique_id,
        "file_size": len(content),
    }
    _keep(bot, stored)
    return stored.media


def _keep(bot: BotState, stored: StoredFile) -> None:
    bot.files[stored.file_id] = stored
    bot.files_by_path[stored.file_path] = stored


def reuse(bot: BotState, file_id: str, kind: str) -> StoredFile:
    """A file sent again by its file_id, as ``kind`` (photo/document); BadRequest when impossible."""
    if file_id.startswith(("http://", "https://")):
        raise BadRequest("failed to get HTTP URL content")
    stored = bot.files.get(file_id)
    if stored is None:
        raise BadRequest("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise BadRequest(f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}")
    return stored


def sample_image(width: int = 640, height: int = 480, fmt: str = "JPEG") -> bytes:
    """A plain image, for photos and stickers that simulated people send."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (46, 125, 50)).save(buffer, format=fmt)
    return buffer.getvalue()
