"""Logging filter that keeps personal identifiers out of log lines."""

import logging
import re

# An 11-digit run is treated as a possible PESEL wherever it appears; e-mail addresses are
# masked too. Better a masked order number than a leaked identity.
_PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def redact(text: str) -> str:
    return _EMAIL.sub("<e-mail>", _PESEL.sub("<pesel>", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
