"""Columns of a camera inventory spreadsheet: header names (Chinese or English) and cell parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

# Canonical column -> accepted headers (compared without case, spaces, '_' and '-').
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "设备编号", "点位编号", "摄像机编号", "camera_id"),
    "name": ("name", "名称", "设备名称", "点位名称", "摄像机名称"),
    "group": ("group", "分组", "所属街道", "街道", "所属分组"),
    "grid_code": ("grid_code", "网格码", "单元网格", "单元网格码", "网格编码"),
    "lon": ("lon", "lng", "longitude", "经度"),
    "lat": ("lat", "latitude", "纬度"),
    "crs": ("crs", "坐标系"),
    "main_url": ("main_url", "main", "rtsp", "主码流", "主码流地址"),
    "sub_url": ("sub_url", "sub", "子码流", "子码流地址"),
    "onvif": ("onvif", "onvif地址", "onvif_url", "onvif_endpoint"),
    "username": ("username", "user", "用户名"),
    "password": ("password", "密码"),
    "password_env": ("password_env", "密码变量"),
    "transport": ("transport", "传输协议", "传输方式"),
    "tags": ("tags", "标签"),
    "enabled": ("enabled", "启用", "是否启用"),
}

_TRUE = {"1", "true", "yes", "y", "是", "启用", "on"}
_FALSE = {"0", "false", "no", "n", "否", "停用", "禁用", "off"}
_TAG_SPLIT = re.compile(r"[,;，；、|]")
_EXCEL_NUMBER = re.compile(r"^\d+(\.\d+)?[eE][+]?\d+$|^\d+\.0+$")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+)(:\d*)?([/?].*)?$", re.DOTALL)


def normalise(header: str) -> str:
    return re.sub(r"[\s_\-\u3000]", "", header.strip().lstrip("\ufeff").lower())


_BY_HEADER = {normalise(alias): column for column, aliases in ALIASES.items() for alias in aliases}


def column_for(header: str) -> str | None:
    return _BY_HEADER.get(normalise(header))


def parse_bool(text: str) -> bool | None:
    lowered = text.strip().lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def parse_tags(text: str) -> list[str]:
    return [tag.strip() for tag in _TAG_SPLIT.split(text) if tag.strip()]


def parse_degrees(text: str) -> float | None:
    try:
        return float(text.strip().rstrip("°"))
    except ValueError:
        return None


def looks_like_excel_number(text: str) -> bool:
    """Excel shows long codes as 3.30106E+14 (or 330106001001001.0) unless the column is text."""
    return bool(_EXCEL_NUMBER.match(text.strip()))


@dataclass(frozen=True)
class SplitUrl:
    url: str  # without user info
    username: str | None
    password: str | None


def split_credentials(url: str) -> SplitUrl:
    """Take ``user:pass@`` out of a URL. Camera passwords often hold a bare '@', '#' or '/'."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return SplitUrl(url, None, None)
    # The user info ends at the last '@' that is followed by a plausible host[:port][/path].
    for at in (i for i in range(len(rest) - 1, -1, -1) if rest[i] == "@"):
        if _HOST.match(rest[at + 1 :]):
            user, colon, password = rest[:at].partition(":")
            return SplitUrl(
                f"{scheme}://{rest[at + 1 :]}", unquote(user) or None, unquote(password) if colon else None
            )
    return SplitUrl(url, None, None)
