"""Reading HTML forms: the CSRF check, and the form values as the Tracker takes them."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import HTTPException, Request

from crampwise.errors import CrampwiseError, InputError
from crampwise.web.fields import action_link, error_text, form_field
from crampwise.web.render import CSRF_COOKIE, CSRF_FIELD
from crampwise.web.views import FormState

__all__ = ["Form", "failed", "read_form"]

#: Fields that hold several values (checkboxes).
_MULTI = {"muscles", "reliefs", "times"}


class Form:
    """A submitted form: single values stripped ('' → None), lists for multi fields."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.values: dict[str, Any] = {}
        for key, value in items:
            if key == CSRF_FIELD:
                continue
            if key in _MULTI or key.startswith("helped_"):
                self.values.setdefault(key, [])
                if key in _MULTI:
                    self.values[key].append(value)
                else:
                    self.values[key] = value
            else:
                self.values[key] = value

    def get(self, name: str) -> str | None:
        """A single value, or None when empty or absent."""
        value = self.values.get(name)
        if isinstance(value, list):
            value = value[-1] if value else None
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    def text(self, name: str) -> str:
        """Free text as typed (never None)."""
        value = self.values.get(name)
        return "" if value is None or isinstance(value, list) else str(value)

    def many(self, name: str) -> list[str]:
        """The values of a multi field."""
        value = self.values.get(name)
        return [v for v in value if v] if isinstance(value, list) else []

    def flag(self, name: str) -> bool:
        """A checkbox."""
        return self.get(name) in ("1", "on", "yes", "true")

    def state(self) -> FormState:
        """The values, for showing the form again."""
        return FormState(values=dict(self.values))


async def read_form(request: Request) -> Form:
    """The form of a POST, after checking its CSRF token against the cookie."""
    data = await request.form()
    sent = data.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie):
        raise HTTPException(
            403, "This form has expired; go back, reload the page and send it again."
        )
    return Form([(k, v) for k, v in data.multi_items() if isinstance(v, str)])


def failed(form: Form, error: CrampwiseError, fields: tuple[str, ...]) -> FormState:
    """The form again, with the error next to its field (or above the form)."""
    state = form.state()
    name = form_field(error, fields) if isinstance(error, InputError) else None
    if name is not None:
        state.errors[name] = error_text(error)
    else:
        state.general = error_text(error)
    state.action = action_link(error)
    return state
