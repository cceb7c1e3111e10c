"""Who is on shift at this workstation: asked at start (the last name offered), changed at a hand-over.

The name goes on every alert event, every PTZ lock and patrol notice (never the computer's
account: several operators share one workstation login in a control room).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

translate = QCoreApplication.translate

OPERATOR_KEY = "operator/name"
ROLE_KEY = "operator/role"  # operator or shift_leader: what the person may do to cases


def remembered_operator(settings: QSettings) -> str:
    return str(settings.value(OPERATOR_KEY, "") or "").strip()


def ask_operator(parent: QWidget | None, current: str = "") -> str | None:
    """Ask for the name of the operator on shift (``current`` offered); None when nobody answered."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("shiftDialog")
    dialog.setWindowTitle(translate("Shift", "Who is on shift?"))
    dialog.setLabelText(
        translate("Shift", "Your name, as it goes on every alert you handle and every camera you lock:")
    )
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(current)
    dialog.setOkButtonText(translate("Shift", "Start the shift"))
    if not dialog.exec():
        return None
    return dialog.textValue().strip() or None
