"""The control API: bots, people, groups, what people do, and reading back what the bot sent."""

from __future__ import annotations

import base64
import io

import pytest
import telegram
from PIL import Image

from sandbox.telegram import DEFAULT_BOT_TOKEN
from sandbox.telegram.constants import TOKEN_PATTERN
from tests.sandbox_telegram.conftest import Sandbox

USER, OTHER, GROUP = 3003, 3004, -100500


@pytest.fixture
def people(tg: Sandbox) -> Sandbox:
    tg.user(USER, "Dewi", username="dewi")
    tg.user(OTHER, "Eko")
    tg.control("telegram/groups", {"id": GROUP, "title": "Kinerja Disnaker", "member_ids": [USER, OTHER]})
    return tg


def test_default_bot_token_has_telegrams_format() -> None:
    assert TOKEN_PATTERN.match(DEFAULT_BOT_TOKEN)


def test_new_bot_gets_its_own_token_and_state(people: Sandbox) -> None:
    created = people.control("telegram/bots", {"username": "kedua_bot", "first_name": "Kedua"})
    assert TOKEN_PATTERN.match(created["token"]) and created["username"] == "kedua_bot"
    me = people.api("getMe", token=created["token"])
    assert me["id"] == created["id"] == int(created["token"].split(":")[0])
    people.say(USER, "untuk bot utama")
    assert people.api("getUpdates", token=created["token"]) == []
    assert len(people.api("getUpdates")) == 1
    given = people.control("telegram/bots", {"token": "123456789:AAH" + "x" * 32})
    assert given["id"] == 123456789
    people.control("telegram/bots", {"token": "not-a-token"}, expect=400)


def test_reset_recreates_only_the_default_bot(people: Sandbox) -> None:
    created = people.control("telegram/bots", {})
    people.control("reset", {})
    assert people.raw("getMe", token=created["token"]).status_code == 401
    assert people.api("getMe")["username"]
    assert people.api_error("sendMessage", chat_id=USER, text="x") == (400, "Bad Request: chat not found")


def test_sent_media_messages_parse_with_ptb(people: Sandbox) -> None:
    people.control("telegram/send", {"user_id": USER, "photo": True, "caption": "bukti"})
    people.control("telegram/send", {"user_id": USER, "sticker": True})
    people.control("telegram/send", {"user_id": USER, "document": {"file_name": "bukti.pdf"}})
    updates = [telegram.Update.de_json(u, None) for u in people.api("getUpdates")]
    photo, sticker, document = (u.message for u in updates)
    assert photo.photo[-1].width == 640 and photo.caption == "bukti"
    assert sticker.sticker.emoji
    assert document.document.file_name == "bukti.pdf" and document.document.mime_type == "application/pdf"
    file = people.api("getFile", file_id=document.document.file_id)
    content = people.client.get(f"{people.base_url}/file/bot{people.token}/{file['file_path']}")
    assert content.status_code == 200 and b"bukti.pdf" in content.content


def test_sent_files_carry_their_content_and_the_20_mb_download_limit(people: Sandbox) -> None:
    """A photo or document with its bytes comes back through getFile and the download URL; a
    document over 20 MB is Telegram's "file is too big" for getFile, whatever it holds."""
    picture = io.BytesIO()
    Image.new("RGB", (2000, 1000), (200, 30, 30)).save(picture, format="PNG")
    pdf = b"%PDF-1.4\n%bukti dukung\n"
    people.control(
        "telegram/send", {"user_id": USER, "photo": {"content_base64": base64.b64encode(picture.getvalue()).decode()}}
    )
    people.control(
        "telegram/send",
        {"user_id": USER, "document": {"file_name": "sp2d.pdf", "content_base64": base64.b64encode(pdf).decode()}},
    )
    big = {"file_name": "besar.pdf", "mime_type": "application/pdf", "size": 20 * 1024 * 1024 + 1}
    people.control("telegram/send", {"user_id": USER, "document": big})
    exact = {"file_name": "pas.pdf", "size": 20 * 1024 * 1024}
    people.control("telegram/send", {"user_id": USER, "document": exact})
    photo, document, too_big, at_limit = (telegram.Update.de_json(u, None).message for u in people.api("getUpdates"))

    largest = photo.photo[-1]
    assert (largest.width, largest.height) == (1280, 640)  # Telegram's largest size: 1280 px at most
    file = people.api("getFile", file_id=largest.file_id)
    image = Image.open(
        io.BytesIO(people.client.get(f"{people.base_url}/file/bot{people.token}/{file['file_path']}").content)
    )
    assert image.size == (1280, 640) and image.getpixel((640, 320))[0] > 150
    file = people.api("getFile", file_id=document.document.file_id)
    assert people.client.get(f"{people.base_url}/file/bot{people.token}/{file['file_path']}").content == pdf
    assert too_big.document.file_size == 20 * 1024 * 1024 + 1
    assert people.api_error("getFile", file_id=too_big.document.file_id) == (400, "Bad Request: file is too big")
    assert people.api("getFile", file_id=at_limit.document.file_id)["file_size"] == 20 * 1024 * 1024


def test_reply_and_edit_updates(people: Sandbox) -> None:
    question = people.api("sendMessage", chat_id=USER, text="Alasan pengembalian?", reply_markup={"force_reply": True})
    answer = people.say(USER, "Angka TW II belum lengkap", reply_to_message_id=question["message_id"])
    edited = people.control(
        "telegram/edit",
        {
            "user_id": USER,
            "message_id": answer["message_id"],
            "text": "Angka TW II belum lengkap, mohon dicek",
        },
    )
    updates = people.api("getUpdates")
    assert updates[0]["message"]["reply_to_message"]["message_id"] == question["message_id"]
    assert updates[1]["update_id"] == edited["update_id"]
    assert updates[1]["edited_message"]["text"].endswith("mohon dicek")
    assert "edit_date" in updates[1]["edited_message"]
    transcript = people.messages(USER, include_user=True)
    assert [m["sender"] for m in transcript] == ["bot", "user"]
    assert transcript[1]["edits"] == 1 and transcript[1]["from"]["id"] == USER
    assert len(people.messages(USER)) == 1


def test_group_privacy_mode(people: Sandbox) -> None:
    chatter = people.control("telegram/send", {"user_id": USER, "chat_id": GROUP, "text": "obrolan biasa"})
    command = people.control("telegram/send", {"user_id": OTHER, "chat_id": GROUP, "text": "/status"})
    assert chatter["update_id"] is None and command["update_id"] is not None
    update = people.api("getUpdates")[0]["message"]
    assert update["chat"] == {"id": GROUP, "title": "Kinerja Disnaker", "type": "group"}
    assert people.api("sendMessage", chat_id=GROUP, text="Status TW I")["chat"]["type"] == "group"
    assert people.api("getChat", chat_id=GROUP)["title"] == "Kinerja Disnaker"
    people.control("telegram/send", {"user_id": 999, "chat_id": GROUP, "text": "x"}, expect=404)


def test_press_by_label_and_forged_data(people: Sandbox) -> None:
    sent = people.api(
        "sendMessage",
        chat_id=USER,
        text="Setujui?",
        reply_markup={
            "inline_keyboard": [[{"text": "Ya", "callback_data": "y"}, {"text": "Situs", "url": "https://contoh.id"}]]
        },
    )
    people.control("telegram/press", {"user_id": USER, "message_id": sent["message_id"], "text": "Tidak"}, expect=400)
    people.control("telegram/press", {"user_id": USER, "message_id": sent["message_id"], "text": "Situs"}, expect=400)
    people.control("telegram/press", {"user_id": USER, "message_id": 77, "text": "Ya"}, expect=404)
    forged = people.control(
        "telegram/press", {"user_id": USER, "message_id": sent["message_id"], "data": "approve:999"}
    )
    query = people.api("getUpdates")[0]["callback_query"]
    assert query["id"] == forged["callback_query_id"] and query["data"] == "approve:999"
    assert query["from"]["id"] == USER and query["chat_instance"]
    people.api("deleteMessage", chat_id=USER, message_id=sent["message_id"])
    people.control("telegram/press", {"user_id": USER, "message_id": sent["message_id"], "data": "y"})
    stale = people.api("getUpdates", offset=-1)[0]["callback_query"]["message"]
    assert stale == {
        "chat": {"id": USER, "first_name": "Dewi", "username": "dewi", "type": "private"},
        "message_id": sent["message_id"],
        "date": 0,
    }
    assert telegram.CallbackQuery.de_json(people.api("getUpdates", offset=-1)[0]["callback_query"], None).message


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        pytest.param("telegram/users", {"first_name": "x"}, 400, id="user-without-id"),
        pytest.param("telegram/users", {"id": -5, "first_name": "x"}, 400, id="user-negative-id"),
        pytest.param("telegram/groups", {"id": 5, "title": "x", "member_ids": []}, 400, id="group-positive-id"),
        pytest.param(
            "telegram/groups",
            {"id": -5, "title": "x", "member_ids": [424242]},
            404,
            id="group-unknown-member",
        ),
        pytest.param("telegram/send", {"user_id": 424242, "text": "x"}, 404, id="send-unknown-user"),
        pytest.param("telegram/send", {"user_id": USER}, 400, id="send-nothing"),
        pytest.param(
            "telegram/send",
            {"user_id": USER, "text": "x", "reply_to_message_id": 9},
            400,
            id="send-reply-missing",
        ),
        pytest.param("telegram/edit", {"user_id": USER, "message_id": 9, "text": "x"}, 400, id="edit-missing"),
        pytest.param("telegram/press", {"user_id": USER, "message_id": 1}, 400, id="press-without-label"),
        pytest.param("telegram/send", {"user_id": USER, "text": "x", "token": "1:nope"}, 404, id="unknown-bot"),
        pytest.param("telegram/send", {"user_id": USER, "photo": {"content_base64": "%%"}}, 400, id="photo-not-b64"),
        pytest.param("telegram/send", {"user_id": USER, "photo": {"width": 0, "height": 5}}, 400, id="photo-no-size"),
        pytest.param(
            "telegram/send",
            {"user_id": USER, "document": {"file_name": "x.pdf", "size": 2**40}},
            400,
            id="document-too-large-to-make",
        ),
    ],
)
def test_control_rejects_bad_requests(people: Sandbox, path: str, body: dict, status: int) -> None:
    assert "error" in people.control(path, body, expect=status)


def test_blocked_user_cannot_send_until_unblocked(people: Sandbox) -> None:
    people.control("telegram/block", {"user_id": USER})
    people.control("telegram/send", {"user_id": USER, "text": "x"}, expect=400)
    people.control("telegram/unblock", {"user_id": USER})
    assert people.say(USER, "lagi")["update_id"] is not None
    kinds = [next(k for k in u if k != "update_id") for u in people.api("getUpdates")]
    assert kinds == ["my_chat_member", "my_chat_member", "message"]


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("https://t.me/kinerja_sandbox_bot?start=ABCD234XYZ", id="t-me"),
        pytest.param("https://telegram.me/Kinerja_Sandbox_Bot?start=ABCD234XYZ", id="telegram-me-any-case"),
        pytest.param("tg://resolve?domain=kinerja_sandbox_bot&start=ABCD234XYZ", id="tg-resolve"),
    ],
)
def test_opening_a_deep_link_sends_start_with_its_parameter(people: Sandbox, link: str) -> None:
    opened = people.control("telegram/start", {"user_id": USER, "url": link})
    assert opened["text"] == "/start ABCD234XYZ" and opened["bot_username"] == "kinerja_sandbox_bot"
    message = people.api("getUpdates")[0]["message"]
    assert message["text"] == "/start ABCD234XYZ" and message["from"]["id"] == USER
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


@pytest.mark.parametrize(
    ("link", "status"),
    [
        pytest.param("https://t.me/someone_else_bot?start=ABC", 404, id="unknown-bot"),
        pytest.param("https://t.me/kinerja_sandbox_bot?start=AB%20CD", 400, id="space-in-parameter"),
        pytest.param("https://t.me/kinerja_sandbox_bot?start=" + "A" * 65, 400, id="parameter-65-chars"),
        pytest.param("https://t.me/kinerja_sandbox_bot", 400, id="no-parameter"),
        pytest.param("https://example.go.id/kinerja_sandbox_bot?start=ABC", 400, id="not-t-me"),
    ],
)
def test_a_deep_link_telegram_would_not_start_with_is_refused(people: Sandbox, link: str, status: int) -> None:
    people.control("telegram/start", {"user_id": USER, "url": link}, expect=status)
    assert people.api("getUpdates") == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"user_id": 3003, "text": "halo \\ud800 dunia"}',  # a lone surrogate, escaped as JSON allows
        b'{"user_id": 3003, "text": "\\udfff"}',
        b'{"user_id": 3003, "text": "halo \xff dunia"}',  # bytes that are not UTF-8 at all
    ],
    ids=["lone-high-surrogate", "lone-low-surrogate", "invalid-bytes"],
)
def test_control_refuses_text_that_is_not_utf8_and_polling_goes_on(people: Sandbox, body: bytes) -> None:
    response = people.client.post(
        f"{people.base_url}/_sandbox/telegram/send", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]
    # nothing was stored: every later getUpdates answers, and a valid message still goes through
    assert people.api("getUpdates") == []
    people.say(USER, "halo dunia 🙂")
    assert [u["message"]["text"] for u in people.api("getUpdates")] == ["halo dunia 🙂"]
    assert people.messages(USER, include_user=True)[-1]["text"] == "halo dunia 🙂"


def test_bot_api_refuses_text_that_is_not_utf8(people: Sandbox) -> None:
    response = people.raw(
        "sendMessage",
        content=b'{"chat_id": 3003, "text": "x \\ud83d"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: strings must be encoded in UTF-8"
    assert people.messages(USER) == []
