"""The site file's ``cases:`` section: which catalogue, routing and calendar files the case
workflow uses, when alerts become cases, and where cases are exported. Every field has a good
default; a site without the section uses the files shipped in ``resources/cases/``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, PrivateAttr, SecretStr, ValidationInfo, field_validator, model_validator

from camera_config.model_base import ENV_NAME_PATTERN, Model, check_url, password_from_env

MINUTES_PER_DAY = 24 * 60


class AutoCreateSettings(Model):
    """When an alert becomes a case by itself: when an operator confirms it (as true), and, if
    ``after_open_minutes`` is set, when it stays open and undismissed that long."""

    on_confirm: bool = True
    after_open_minutes: float | None = Field(default=None, gt=0, le=MINUTES_PER_DAY)


class ExportSettings(Model):
    """The city platform's endpoint that takes each case as JSON (None: cases are not sent; the
    file export still works). The bearer token lives in the environment variable ``token_env``."""

    endpoint: str | None = Field(default=None, description="https://platform.example.gov.cn/api/cases")
    token_env: Annotated[str, Field(pattern=ENV_NAME_PATTERN, max_length=128)] | None = None
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    _token: SecretStr | None = PrivateAttr(default=None)

    @field_validator("endpoint")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        hint = "name the environment variable that holds the platform's token in `token_env`"
        return check_url(value, ("http", "https"), hint)

    @model_validator(mode="after")
    def _resolve_token(self, info: ValidationInfo) -> ExportSettings:
        if self.token_env is not None and self.endpoint is None:
            raise ValueError("token_env is set but endpoint is not: name the platform's URL in `endpoint`")
        token = password_from_env(
            self.token_env, info, "the city platform's bearer token (set it before starting CityWall)",
            field="token_env",
        )  # fmt: skip
        if token is not None:  # validated again without an environment: keep the one already read
            self._token = token
        return self

    @property
    def token(self) -> SecretStr | None:
        return self._token


class CaseSettings(Model):
    """``catalogue``, ``routing``, ``calendar``: files relative to the site file; None uses the
    defaults shipped with CityWall (resources/cases/). ``due_soon_share``: a case turns "due
    soon" when less than this share of its time limit is left."""

    catalogue: Path | None = None
    routing: Path | None = None
    calendar: Path | None = None
    auto_create: AutoCreateSettings = AutoCreateSettings()
    due_soon_share: float = Field(default=0.25, gt=0, lt=1)
    export: ExportSettings = ExportSettings()
