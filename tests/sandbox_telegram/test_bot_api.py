"""The Bot API methods over HTTP: results, request encodings and Telegram's errors."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import telegram
from PIL import Image

from sandbox.telegram import DEFAULT_BOT_TOKEN
from tests.sandbox_telegram.conftest import Sandbox

USER = 1001
KEYBOARD = {
    "inline_keyboard": [[{"text": "Setujui", "callback_data": "ok:1"}, {"text": "Kembalikan", "callback_data": "no:1"}]]
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
STALE = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def png(width: int = 1600, height: int = 900) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def chat(tg: Sandbox) -> int:
    tg.user(USER, "Budi", username="budi_s", last_name="Santoso", language_code="id")
    return USER


def test_get_me_is_the_default_bot(tg: Sandbox) -> None:
    me = tg.api("getMe")
    assert me["is_bot"] is True
    assert me["id"] == int(DEFAULT_BOT_TOKEN.split(":")[0])
    assert telegram.User.de_json(me, None).username == me["username"]


@pytest.mark.parametrize("spelling", ["getMe", "getme", "GETME"])
def test_method_names_are_case_insensitive(tg: Sandbox, spelling: str) -> None:
    assert tg.raw(spelling).json()["ok"] is True
    assert tg.app.hub.stats()["telegram"]["methods"]["getMe"] == 1


@pytest.mark.parametrize(
    "encoding",
    ["json", "form", "multipart", "query"],
)
def test_every_request_encoding_is_accepted(tg: Sandbox, chat: int, encoding: str) -> None:
    params = {
        "chat_id": str(chat),
        "text": "<b>Halo</b>",
        "parse_mode": "HTML",
        "reply_markup": json.dumps(KEYBOARD),
    }
    kwargs: dict[str, Any] = {
        "json": {"json": {**params, "chat_id": chat, "reply_markup": KEYBOARD}},
        "form": {"data": params},
        "multipart": {"data": params, "files": {"unused": ("a.txt", b"x", "text/plain")}},
        "query": {"params": params},
    }[encoding]
    payload = tg.raw("sendMessage", **kwargs).json()
    assert payload["ok"], payload
    assert payload["result"]["text"] == "Halo"
    assert payload["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert payload["result"]["reply_markup"] == KEYBOARD


def test_send_message_carries_what_telegram_puts_in_it(tg: Sandbox, chat: int) -> None:
    first = tg.api(
        "sendMessage",
        chat_id=chat,
        text="Ketik /status untuk melihat *kemajuan*\\.",
        parse_mode="MarkdownV2",
        link_preview_options={"is_disabled": True},
    )
    assert first["from"]["is_bot"] is True
    assert first["chat"] == {
        "id": chat,
        "first_name": "Budi",
        "last_name": "Santoso",
        "username": "budi_s",
        "type": "private",
    }
    assert first["text"] == "Ketik /status untuk melihat kemajuan."
    assert [e["type"] for e in first["entities"]] == ["bot_command", "bold"]
    assert first["link_preview_options"] == {"is_disabled": True}
    reply = tg.api("sendMessage", chat_id=chat, text="balasan", reply_parameters={"message_id": first["message_id"]})
    legacy = tg.api("sendMessage", chat_id=chat, text="lama", reply_to_message_id=first["message_id"])
    assert reply["reply_to_message"]["message_id"] == first["message_id"]
    assert legacy["reply_to_message"]["text"] == first["text"]
    assert legacy["message_id"] == first["message_id"] + 2


def test_force_reply_is_kept_for_the_transcript_not_in_the_message(tg: Sandbox, chat: int) -> None:
    sent = tg.api(
        "sendMessage",
        chat_id=chat,
        text="Alasan?",
        reply_markup={"force_reply": True, "input_field_placeholder": "Tulis alasan"},
    )
    assert "reply_markup" not in sent
    listed = tg.messages(chat)[0]
    assert listed["reply_markup"] == {"force_reply": True, "input_field_placeholder": "Tulis alasan"}


def _edit_setup(tg: Sandbox, chat: int) -> dict[str, Any]:
    return tg.api("sendMessage", chat_id=chat, text="Laporan TW I", reply_markup=KEYBOARD)


def test_edit_text_replaces_content_and_drops_keyboard(tg: Sandbox, chat: int) -> None:
    sent = _edit_setup(tg, chat)
    edited = tg.api(
        "editMessageText",
        chat_id=chat,
        message_id=sent["message_id"],
        text="<i>Disetujui</i>",
        parse_mode="HTML",
    )
    assert edited["text"] == "Disetujui" and "reply_markup" not in edited and edited["edit_date"] >= sent["date"]
    listed = tg.messages(chat)[0]
    assert listed["text"] == "Disetujui" and listed["edits"] == 1 and "reply_markup" not in listed


def test_edit_reply_markup_and_delete(tg: Sandbox, chat: int) -> None:
    sent = _edit_setup(tg, chat)
    new_markup = {"inline_keyboard": [[{"text": "Selesai", "url": "https://contoh.id"}]]}
    edited = tg.api("editMessageReplyMarkup", chat_id=chat, message_id=sent["message_id"], reply_markup=new_markup)
    assert edited["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://contoh.id/"
    assert tg.api("deleteMessage", chat_id=chat, message_id=sent["message_id"]) is True
    assert tg.messages(chat)[0]["deleted"] is True
    assert tg.api_error("deleteMessage", chat_id=chat, message_id=sent["message_id"]) == (
        400,
        "Bad Request: message to delete not found",
    )


def test_answer_callback_query_is_recorded(tg: Sandbox, chat: int) -> None:
    sent = _edit_setup(tg, chat)
    pressed = tg.control("telegram/press", {"user_id": chat, "message_id": sent["message_id"], "text": "Setujui"})
    update = tg.api("getUpdates", timeout=0)[-1]
    assert update["callback_query"]["data"] == "ok:1"
    assert update["callback_query"]["message"]["message_id"] == sent["message_id"]
    assert (
        tg.api(
            "answerCallbackQuery",
            callback_query_id=pressed["callback_query_id"],
            text="Tercatat",
            show_alert=True,
        )
        is True
    )
    state = tg.control(f"telegram/callbacks/{pressed['callback_query_id']}")
    assert state["answered"] is True and state["text"] == "Tercatat" and state["show_alert"] is True


def test_photo_upload_sizes_file_and_reuse(tg: Sandbox, chat: int) -> None:
    payload = tg.raw(
        "sendPhoto",
        data={"chat_id": chat, "caption": "<b>Grafik</b>", "parse_mode": "HTML"},
        files={"photo": ("grafik.png", png(), "image/png")},
    ).json()
    assert payload["ok"], payload
    sizes = payload["result"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(90, 51), (320, 180), (800, 450), (1280, 720)]
    assert payload["result"]["caption"] == "Grafik"
    assert payload["result"]["caption_entities"] == [{"type": "bold", "offset": 0, "length": 6}]
    largest = sizes[-1]
    file = tg.api("getFile", file_id=largest["file_id"])
    assert file["file_size"] == largest["file_size"]
    download = tg.client.get(f"{tg.base_url}/file/bot{tg.token}/{file['file_path']}")
    assert download.status_code == 200
    assert Image.open(io.BytesIO(download.content)).size == (1280, 720)
    again = tg.api("sendPhoto", chat_id=chat, photo=largest["file_id"])
    assert again["photo"] == sizes
    assert tg.messages(chat)[1]["photo"] == sizes


def test_photo_by_attach_uri(tg: Sandbox, chat: int) -> None:
    payload = tg.raw(
        "sendPhoto",
        data={"chat_id": chat, "photo": "attach://gambar"},
        files={"gambar": ("g.jpg", png(50, 40), "image/jpeg")},
    ).json()
    assert payload["ok"], payload
    assert [(s["width"], s["height"]) for s in payload["result"]["photo"]] == [(50, 40)]


def test_document_upload_and_reuse(tg: Sandbox, chat: int) -> None:
    payload = tg.raw(
        "sendDocument",
        data={"chat_id": chat},
        files={"document": ("rekap TW I.xlsx", b"PK\x03\x04data", "application/octet-stream")},
    ).json()
    assert payload["ok"], payload
    document = payload["result"]["document"]
    assert document["file_name"] == "rekap TW I.xlsx"
    assert document["mime_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert document["file_size"] == 8
    again = tg.api("sendDocument", chat_id=chat, document=document["file_id"], caption="ulang")
    assert again["document"] == document and again["caption"] == "ulang"
    assert tg.api_error("sendPhoto", chat_id=chat, photo=document["file_id"]) == (
        400,
        "Bad Request: can't use file of type Document as Photo",
    )


def test_chat_action_commands_chat_and_webhook(tg: Sandbox, chat: int) -> None:
    assert tg.api("sendChatAction", chat_id=chat, action="typing") is True
    commands = [{"command": "start", "description": "Mulai"}, {"command": "status", "description": "Status"}]
    assert tg.api("setMyCommands", commands=commands) is True
    assert tg.api("getMyCommands") == commands
    scope = {"type": "chat", "chat_id": chat}
    assert tg.api("getMyCommands", scope=scope) == []
    assert tg.api("setMyCommands", commands=commands[:1], scope=scope, language_code="id") is True
    assert tg.api("getMyCommands", scope=scope, language_code="id") == commands[:1]
    assert tg.api("deleteMyCommands") is True and tg.api("getMyCommands") == []
    info = tg.api("getChat", chat_id=chat)
    assert info["type"] == "private" and info["username"] == "budi_s"
    assert telegram.ChatFullInfo.de_json(info, None).id == chat
    assert tg.api("getWebhookInfo") == {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
    assert tg.api("setWebhook", url="https://kinerja.example/hook") is True
    assert tg.api("getWebhookInfo")["url"] == "https://kinerja.example/hook"
    assert tg.api_error("getUpdates") == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    )
    assert tg.api("deleteWebhook", drop_pending_updates=True) is True
    assert tg.api("getUpdates") == []


def _long_text(n: int) -> str:
    return "<b>" + "é" * n + "</b>"


@pytest.mark.parametrize(
    ("method", "params", "status", "description"),
    [
        pytest.param(
            "sendMessage",
            {"chat_id": 424242, "text": "x"},
            400,
            "Bad Request: chat not found",
            id="chat-not-found",
        ),
        pytest.param(
            "sendMessage",
            {"chat_id": "@nobody", "text": "x"},
            400,
            "Bad Request: chat not found",
            id="chat-username-not-found",
        ),
        pytest.param("sendMessage", {"text": "x"}, 400, "Bad Request: chat_id is empty", id="chat-id-missing"),
        pytest.param("sendMessage", {"chat_id": USER}, 400, "Bad Request: message text is empty", id="text-missing"),
        pytest.param(
            "sendMessage",
            {"chat_id": USER, "text": "  \n "},
            400,
            "Bad Request: message text is empty",
            id="text-blank",
        ),
        pytest.param(
            "sendMessage",
            {"chat_id": USER, "text": _long_text(4097), "parse_mode": "HTML"},
            400,
            "Bad Request: message is too long",
            id="too-long",
        ),
        pytest.param(
            "sendMessage",
            {"chat_id": USER, "text": "😀" * 2049},
            400,
            "Bad Request: message is too long",
            id="too-long-utf16",
        ),
        pytest.param(
            "sendMessage",
            {"chat_id": USER, "text": "<b>x", "parse_mode": "HTML"},
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
            id="bad-html",
        ),
        pytest.param(
            "sendMessage",
            {"chat_id": USER, "text": "TW I.", "parse_mode": "MarkdownV2"},
            400,
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
            id="bad-markdown-v2",
        ),
        pytest.param(
            "sendMessage",
            {"chat_id": USER, "text": "x", "parse_mode": "BBCode"},
            400,
            "Bad Request: unsupported parse_mode",
            id="bad-parse-mode",
        ),
        pytest.param(
            "sendMessage",
            {
                "chat_id": USER,
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]},
            },
            400,
            "Bad Request: BUTTON_DATA_INVALID",
            id="callback-data-65-bytes",
        ),
        pytest.param(
            "sendMessage",
            {
                "chat_id": USER,
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "é" * 33}]]},
            },
            400,
            "Bad Request: BUTTON_DATA_INVALID",
            id="callback-data-66-utf8-bytes",
        ),
        pytest.param(
            "sendMessage",
            {"chat_id": USER, "text": "x", "reply_markup": {"inline_keyboard": "no"}},
            400,
            None,
            id="markup-wrong-type",
        ),
        pytest.param(
            "sendMessage",
            {"chat_id": USER, "text": "x", "reply_parameters": {"message_id": 99}},
            400,
            "Bad Request: message to be replied not found",
            id="reply-target-missing",
        ),
        pytest.param(
            "editMessageText",
            {"chat_id": USER, "message_id": 99, "text": "x"},
            400,
            "Bad Request: message to edit not found",
            id="edit-not-found",
        ),
        pytest.param(
            "editMessageText",
            {"chat_id": USER, "text": "x"},
            400,
            "Bad Request: message identifier is not specified",
            id="edit-no-message-id",
        ),
        pytest.param("answerCallbackQuery", {"callback_query_id": "123"}, 400, STALE, id="unknown-callback"),
        pytest.param("answerCallbackQuery", {}, 400, "Bad Request: query_id is empty", id="callback-id-missing"),
        pytest.param(
            "sendChatAction",
            {"chat_id": USER, "action": "dancing"},
            400,
            "Bad Request: wrong parameter action in request",
            id="bad-action",
        ),
        pytest.param(
            "setMyCommands",
            {"commands": [{"command": "Bad Command", "description": "x"}]},
            400,
            "Bad Request: BOT_COMMAND_INVALID",
            id="bad-command",
        ),
        pytest.param("setMyCommands", {"commands": [{"command": "x"}]}, 400, None, id="command-lacks-description"),
        pytest.param("getFile", {"file_id": "nope"}, 400, "Bad Request: invalid file_id", id="bad-file-id"),
        pytest.param(
            "sendPhoto",
            {"chat_id": USER},
            400,
            "Bad Request: there is no photo in the request",
            id="photo-missing",
        ),
        pytest.param(
            "sendPhoto",
            {"chat_id": USER, "photo": "AgACnope"},
            400,
            "Bad Request: wrong file identifier/HTTP URL specified",
            id="photo-bad-file-id",
        ),
        pytest.param(
            "setWebhook",
            {"url": "http://insecure.example"},
            400,
            "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
            id="webhook-http",
        ),
        pytest.param("getUpdates", {"offset": "abc"}, 400, None, id="offset-not-integer"),
        pytest.param(
            "deleteMessage",
            {"chat_id": USER, "message_id": 7},
            400,
            "Bad Request: message to delete not found",
            id="delete-not-found",
        ),
    ],
)
def test_errors(
    tg: Sandbox, chat: int, method: str, params: dict[str, Any], status: int, description: str | None
) -> None:
    got_status, got_description = tg.api_error(method, **params)
    assert got_status == status
    if description is not None:
        assert got_description == description
    else:
        assert got_description.startswith("Bad Request: ")


def test_text_of_exactly_4096_after_parsing_is_accepted(tg: Sandbox, chat: int) -> None:
    sent = tg.api("sendMessage", chat_id=chat, text=_long_text(4096), parse_mode="HTML")
    assert len(sent["text"]) == 4096
    assert tg.api(
        "sendMessage",
        chat_id=chat,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "x" * 64}]]},
    )["reply_markup"]


def test_not_modified(tg: Sandbox, chat: int) -> None:
    sent = _edit_setup(tg, chat)
    args = {"chat_id": chat, "message_id": sent["message_id"]}
    assert tg.api_error("editMessageText", text="Laporan TW I", reply_markup=KEYBOARD, **args) == (
        400,
        NOT_MODIFIED,
    )
    assert tg.api_error("editMessageReplyMarkup", reply_markup=KEYBOARD, **args) == (400, NOT_MODIFIED)
    tg.api("editMessageText", text="Laporan TW I", **args)  # dropping the keyboard is a change
    assert tg.api_error("editMessageReplyMarkup", **args) == (400, NOT_MODIFIED)


def test_edit_someone_elses_message_and_photo_text(tg: Sandbox, chat: int) -> None:
    own = tg.say(chat, "halo")
    assert tg.api_error("editMessageText", chat_id=chat, message_id=own["message_id"], text="x") == (
        400,
        "Bad Request: message can't be edited",
    )
    photo = tg.raw("sendPhoto", data={"chat_id": chat}, files={"photo": ("p.png", png(20, 20), "image/png")}).json()
    assert tg.api_error("editMessageText", chat_id=chat, message_id=photo["result"]["message_id"], text="x") == (
        400,
        "Bad Request: there is no text in the message to edit",
    )


def test_callback_query_answered_twice_or_expired_is_too_old(tg: Sandbox, chat: int) -> None:
    sent = _edit_setup(tg, chat)
    press = {"user_id": chat, "message_id": sent["message_id"], "text": "Kembalikan"}
    first = tg.control("telegram/press", press)["callback_query_id"]
    assert tg.api("answerCallbackQuery", callback_query_id=first) is True
    assert tg.api_error("answerCallbackQuery", callback_query_id=first) == (400, STALE)
    second = tg.control("telegram/press", press)["callback_query_id"]
    tg.control(f"telegram/callbacks/{second}/expire", {})
    assert tg.api_error("answerCallbackQuery", callback_query_id=second) == (400, STALE)
    assert tg.control(f"telegram/callbacks/{second}")["answered"] is False


@pytest.mark.parametrize(
    ("ttl", "waited", "answerable"),
    [
        (None, 14.0, True),
        (None, 16.0, False),
        (60, 45.0, True),
        (60, 61.0, False),
    ],
    ids=["telegram-15s-within", "telegram-15s-too-old", "tuned-60s-within", "tuned-60s-too-old"],
)
def test_callback_query_is_too_old_after_its_ttl_on_the_sandbox_clock(
    tg: Sandbox, chat: int, ttl: int | None, waited: float, answerable: bool
) -> None:
    if ttl is not None:
        assert tg.control("telegram/callback-ttl", {"seconds": ttl}) == {"seconds": ttl}
    assert tg.control("telegram/callback-ttl") == {"seconds": ttl or 15.0}
    sent = _edit_setup(tg, chat)
    pressed = tg.control("telegram/press", {"user_id": chat, "message_id": sent["message_id"], "text": "Kembalikan"})
    tg.control("clock", {"advance_seconds": waited})  # time passes on the sandbox clock, nobody sleeps
    if answerable:
        assert tg.api("answerCallbackQuery", callback_query_id=pressed["callback_query_id"]) is True
    else:
        assert tg.api_error("answerCallbackQuery", callback_query_id=pressed["callback_query_id"]) == (400, STALE)
    tg.control("reset", {})
    assert tg.control("telegram/callback-ttl") == {"seconds": 15.0}
    assert tg.control("clock")["offset_seconds"] == 0


@pytest.mark.parametrize(
    "body", [{"seconds": 0}, {"seconds": -1}, {"seconds": "15"}, {"seconds": True}, {"ttl": 15}], ids=str
)
def test_callback_ttl_refuses_what_is_not_a_duration(tg: Sandbox, body: dict[str, Any]) -> None:
    assert "seconds" in tg.control("telegram/callback-ttl", body, expect=400)["error"]


def test_blocked_user_gets_403_and_bot_sees_my_chat_member(tg: Sandbox, chat: int) -> None:
    tg.control("telegram/block", {"user_id": chat})
    assert tg.api_error("sendMessage", chat_id=chat, text="x") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    assert tg.api_error("sendChatAction", chat_id=chat, action="typing")[0] == 403
    update = tg.api("getUpdates")[-1]["my_chat_member"]
    assert update["new_chat_member"]["status"] == "kicked"
    assert telegram.Update.de_json({"update_id": 1, "my_chat_member": update}, None).my_chat_member
    tg.control("telegram/unblock", {"user_id": chat})
    assert tg.api("sendMessage", chat_id=chat, text="kembali")["text"] == "kembali"


@pytest.mark.parametrize(
    ("path", "status", "description"),
    [
        pytest.param(f"/bot{DEFAULT_BOT_TOKEN}/doSomethingOdd", 404, "Not Found", id="unknown-method"),
        pytest.param("/bot123456:AAHwrongwrongwrongwrongwrongwrongwr/getMe", 401, "Unauthorized", id="wrong-token"),
        pytest.param("/botgarbage/getMe", 401, "Unauthorized", id="malformed-token"),
    ],
)
def test_routing_errors(tg: Sandbox, path: str, status: int, description: str) -> None:
    response = tg.client.post(tg.base_url + path)
    assert response.status_code == status
    assert response.json() == {"ok": False, "error_code": status, "description": description}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("application/json", b"{not json", id="broken-json"),
        pytest.param("application/json", b"[1, 2]", id="json-array"),
        pytest.param("application/json", b"\xff\xfe\x00garbage", id="binary-as-json"),
        pytest.param("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken", id="broken-multipart"),
        pytest.param("application/x-www-form-urlencoded", b"%%%&&&==", id="garbage-form"),
    ],
)
def test_garbage_bodies_get_400_and_server_keeps_serving(tg: Sandbox, content_type: str, body: bytes) -> None:
    response = tg.client.post(
        f"{tg.base_url}/bot{tg.token}/sendMessage", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request: ")
    assert tg.api("getMe")["is_bot"] is True


@pytest.mark.parametrize("status", [429, 500, 502, 400, 403])
def test_injected_faults_answer_telegram_style(tg: Sandbox, chat: int, status: int) -> None:
    tg.control(
        "faults",
        {"service": "telegram", "status": status, "count": 1, "method": "sendMessage", "retry_after": 3},
    )
    response = tg.raw("sendMessage", json={"chat_id": chat, "text": "x"})
    payload = response.json()
    assert response.status_code == status and payload["ok"] is False and payload["error_code"] == status
    if status == 429:
        assert payload == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        }
    assert tg.api("sendMessage", chat_id=chat, text="x")["text"] == "x"
    stats = tg.control("stats")["telegram"]
    assert stats["methods"]["sendMessage"] == 2 and stats["faults_injected"] == 1


def test_every_answer_was_checked(tg: Sandbox, chat: int) -> None:
    tg.api("getMe")
    tg.api("sendMessage", chat_id=chat, text="x")
    assert {"getMe", "sendMessage"} <= tg.recorder.methods()


# --- inline URL buttons, checked as the Bot API server and tdlib check them ----------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        pytest.param("http://localhost:8080/laporan", "Wrong HTTP URL", id="host-without-dot"),
        pytest.param("ftp://files.example.go.id/x", "Unsupported URL protocol", id="ftp"),
        pytest.param("javascript:alert(1)", "Wrong port number specified in the URL", id="javascript"),
        pytest.param("https://docs.google.com:99999/x", "Wrong port number specified in the URL", id="bad-port"),
        pytest.param("tg://resolve:443?domain=x", "Wrong tg URL", id="tg-with-port"),
        pytest.param("https://docs google.com/x", "Wrong HTTP URL", id="space"),
    ],
)
def test_url_buttons_telegram_refuses(tg: Sandbox, chat: int, url: str, problem: str) -> None:
    markup = {"inline_keyboard": [[{"text": "Buka laporan", "url": url}]]}
    assert tg.api_error("sendMessage", chat_id=chat, text="x", reply_markup=markup) == (
        400,
        f"Bad Request: inline keyboard button URL '{url}' is invalid: {problem}",
    )


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        pytest.param(
            "https://docs.google.com/spreadsheets/d/abc/edit",
            "https://docs.google.com/spreadsheets/d/abc/edit",
            id="sheet",
        ),
        pytest.param("https://t.me/kinerja_sandbox_bot?start=ABCD234XYZ", None, id="deep-link"),
        pytest.param("contoh.go.id", "http://contoh.go.id/", id="no-scheme-means-http"),
        pytest.param("tg://resolve?domain=kinerja_sandbox_bot", None, id="tg-link"),
        pytest.param("http://[::1]:8080/x", None, id="ipv6-host"),
    ],
)
def test_url_buttons_telegram_takes(tg: Sandbox, chat: int, url: str, kept: str | None) -> None:
    markup = {"inline_keyboard": [[{"text": "Buka", "url": url}]]}
    sent = tg.api("sendMessage", chat_id=chat, text="x", reply_markup=markup)
    assert sent["reply_markup"]["inline_keyboard"] == [[{"text": "Buka", "url": kept or url}]]


@pytest.mark.parametrize(
    ("button", "kept"),
    [
        pytest.param(
            {"text": "Buka", "url": "https://contoh.go.id/a", "callback_data": "k1|kok|1|PTK"},
            {"text": "Buka", "url": "https://contoh.go.id/a"},
            id="url-wins-over-callback",
        ),
        pytest.param(
            {"text": "Setujui", "url": "", "callback_data": "k1|kok|1|PTK"},
            {"text": "Setujui", "callback_data": "k1|kok|1|PTK"},
            id="empty-url-is-no-url",
        ),
        pytest.param(
            {"text": "Salin", "callback_data": "x", "copy_text": {"text": "ABC"}},
            {"text": "Salin", "callback_data": "x"},
            id="callback-wins-over-copy",
        ),
    ],
)
def test_a_button_keeps_only_the_action_telegram_picks(
    tg: Sandbox, chat: int, button: dict[str, Any], kept: dict[str, Any]
) -> None:
    """The Bot API server takes the first action in its order and drops the rest; a button with a url
    and callback_data is a URL button, and pressing it sends the bot nothing."""
    sent = tg.api("sendMessage", chat_id=chat, text="x", reply_markup={"inline_keyboard": [[button]]})
    assert sent["reply_markup"]["inline_keyboard"] == [[kept]]
    pressed = {"user_id": chat, "message_id": sent["message_id"], "text": button["text"]}
    tg.control("telegram/press", pressed, expect=200 if "callback_data" in kept else 400)


@pytest.mark.parametrize(
    "button",
    [
        pytest.param({"text": "Kosong"}, id="no-action"),
        pytest.param({"text": "Kosong", "callback_data": ""}, id="empty-callback-data"),
        pytest.param({"text": "Kosong", "url": ""}, id="empty-url"),
    ],
)
def test_a_button_without_an_action_is_refused(tg: Sandbox, chat: int, button: dict[str, Any]) -> None:
    assert tg.api_error("sendMessage", chat_id=chat, text="x", reply_markup={"inline_keyboard": [[button]]}) == (
        400,
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    )
