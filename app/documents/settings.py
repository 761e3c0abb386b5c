"""The PLIE's document settings (name, logo, FSE+ mention and logo), stored in plie_setting."""

import base64
import io
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.clock import paris_today
from app.extensions import db
from app.models import PlieSetting
from app.models.base import utcnow

DEFAULT_FSE_MENTION = ("Ce parcours est cofinancé par l'Union européenne "
                       "(Fonds social européen plus)")
TEXT_KEYS = ("plie_name", "fse_mention")
IMAGE_KEYS = ("plie_logo", "fse_logo")
MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_PIXELS = 4000
# The first bytes of the only image formats accepted.
MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Letterhead:
    """What every document prints at its top and bottom (plain data for the templates)."""

    plie_name: str
    logo_url: str
    fse_mention: str
    fse_logo_url: str
    generated_on: object  # date


def stored_settings() -> dict[str, PlieSetting]:
    """Every stored setting, by key."""
    return {row.key: row for row in db.session.scalars(sa.select(PlieSetting))}


def data_url(row: PlieSetting | None) -> str:
    """An image setting as a data: URL (never a path: documents fetch nothing from disk)."""
    if row is None or not row.binary or row.content_type not in MAGIC.values():
        return ""
    return f"data:{row.content_type};base64,{base64.b64encode(row.binary).decode('ascii')}"


def letterhead(today=None) -> Letterhead:
    """The PLIE's name, logo and co-funding mention as the documents print them."""
    rows = stored_settings()
    name = rows.get("plie_name")
    mention = rows.get("fse_mention")
    return Letterhead(
        plie_name=(name.value if name and name.value else current_app.config["PLIE_NAME"]),
        logo_url=data_url(rows.get("plie_logo")),
        fse_mention=(mention.value if mention and mention.value else DEFAULT_FSE_MENTION),
        fse_logo_url=data_url(rows.get("fse_logo")),
        generated_on=today or paris_today(),
    )


def image_problem(data: bytes) -> tuple[str, str]:
    """(content type, "") for an acceptable logo, or ("", the French reason it is refused)."""
    if not data:
        return "", "Le fichier est vide."
    if len(data) > MAX_LOGO_BYTES:
        return "", "Le logo ne doit pas dépasser 1 Mo."
    content_type = next((kind for magic, kind in MAGIC.items() if data.startswith(magic)), "")
    if not content_type:
        return "", "Le logo doit être une image PNG ou JPEG."
    from PIL import Image  # Pillow comes with WeasyPrint

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.verify()
    except Exception:  # noqa: BLE001  (any decoding failure means a broken file)
        return "", "Ce fichier n'est pas une image PNG ou JPEG lisible."
    if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
        return "", f"Le logo ne doit pas dépasser {MAX_LOGO_PIXELS} × {MAX_LOGO_PIXELS} pixels."
    return content_type, ""


def save_setting(key: str, user, value: str | None = None, binary: bytes | None = None,
                 content_type: str = "", clear: bool = False) -> bool:
    """Store one setting; return whether it changed (the caller audits and commits)."""
    row = db.session.scalar(sa.select(PlieSetting).where(PlieSetting.key == key))
    if row is None:
        if clear or (value is None and binary is None) or value == "":
            return False
        row = PlieSetting(key=key, value="", content_type="")
        db.session.add(row)
    if clear:
        changed = bool(row.binary) or bool(row.value)
        row.binary, row.content_type, row.value = None, "", ""
    elif binary is not None:
        changed = row.binary != binary
        row.binary, row.content_type = binary, content_type
    else:
        changed = row.value != (value or "")
        row.value = value or ""
    if changed:
        row.updated_at = utcnow()
        row.updated_by_id = user.id if user is not None else None
    return changed
