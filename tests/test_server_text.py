"""Server text reaches terminals and windows only as plain readable characters."""

from __future__ import annotations

from core.bitrix24.envelope import ErrorInfo
from core.bitrix24.remote_errors import remote_error
from core.onec.errors import describe, parse_odata_error
from core.server_text import sanitise

HOSTILE = ("\x1b]0;pwned\x07\x1b[2J\x1b[31mОшибка\x1b[0m <img src=\"file://attacker/share/x.png\">"
           "<b>поля</b>\r\nTITLE\u202e&lt;script&gt;\x00")


def test_sanitise_strips_escapes_markup_controls_and_bidi() -> None:
    text = sanitise(HOSTILE)
    assert text == "Ошибка поля TITLE"  # the entity-spelled tag is removed too
    assert sanitise("a < b > c") == "a ‹ b › c"
    assert sanitise("x" * 1000, 50).endswith("…") and len(sanitise("x" * 1000, 50)) == 50


def test_bitrix_error_description_is_sanitised_in_the_message() -> None:
    error = remote_error("crm.company.add", ErrorInfo("ERROR_CORE\x1b[2J", HOSTILE), 400)
    assert "\x1b" not in error.message and "<img" not in error.message and "\u202e" not in error.message
    assert "Ошибка поля TITLE" in error.message


def test_onec_error_message_is_sanitised() -> None:
    body = ('{"odata.error":{"code":"9\\u001b[2J","message":{"lang":"ru","value":"' + "Нет <a href=x>прав</a>"
            + '\\u001b]0;t\\u0007"}}}').encode()
    parsed = parse_odata_error(body)
    assert parsed is not None and parsed.message == "Нет прав" and parsed.code == "9"
    assert "\x1b" not in describe(500, b"\x1b[31m<b>plain</b>", "text/plain")
