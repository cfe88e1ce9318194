"""The spec extract the sandbox validates requests with, and the spec validator the suite relies on."""

from __future__ import annotations

import json

import pytest

from sandbox.telegram.params import SPEC_PATH
from sandbox.telegram.specgen import extract
from tests.sandbox_telegram.spec import SpecViolation, load_spec, validate_result, validate_type


def test_api_spec_extract_matches_published_spec() -> None:
    stored = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(extract(load_spec())))


BOT = {"id": 1, "is_bot": True, "first_name": "B", "username": "b_bot"}
CHAT = {"id": 5, "type": "private", "first_name": "A"}
MESSAGE = {"message_id": 1, "from": BOT, "chat": CHAT, "date": 1, "text": "x"}


@pytest.mark.parametrize(
    ("type_expr", "value"),
    [
        pytest.param("Message", MESSAGE, id="message"),
        pytest.param("Array of Update", [{"update_id": 1, "message": MESSAGE}], id="updates"),
        pytest.param(
            "CallbackQuery",
            {
                "id": "1",
                "from": BOT,
                "chat_instance": "2",
                "message": {"chat": CHAT, "message_id": 3, "date": 0},
            },
            id="inaccessible-message-union",
        ),
        pytest.param("Float", 3, id="int-is-float"),
    ],
)
def test_validator_accepts_conforming_values(type_expr: str, value: object) -> None:
    validate_type(type_expr, value)


@pytest.mark.parametrize(
    ("type_expr", "value", "needle"),
    [
        pytest.param("Message", {k: v for k, v in MESSAGE.items() if k != "date"}, "date", id="missing-required"),
        pytest.param("Message", {**MESSAGE, "colour": "red"}, "colour", id="unknown-field"),
        pytest.param("Message", {**MESSAGE, "message_id": "1"}, "message_id", id="wrong-scalar"),
        pytest.param("Message", {**MESSAGE, "from": {**BOT, "is_bot": 1}}, "is_bot", id="nested-wrong"),
        pytest.param("Array of Update", {"update_id": 1}, "Array", id="not-an-array"),
        pytest.param("Integer", True, "Integer", id="bool-is-not-int"),
    ],
)
def test_validator_rejects_violations(type_expr: str, value: object, needle: str) -> None:
    with pytest.raises(SpecViolation, match=needle):
        validate_type(type_expr, value)


def test_validate_result_uses_return_union() -> None:
    validate_result("editMessageText", True)
    validate_result("editMessageText", MESSAGE)
    with pytest.raises(SpecViolation):
        validate_result("getMe", MESSAGE)
