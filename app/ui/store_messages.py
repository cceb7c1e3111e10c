"""What the operator is told when a save to a shared file (views, layouts, zones, patrols) fails.

A conflict (a colleague changed the same thing first) names the workstation and the time and
offers to replace their version; the store already shows theirs, so "no" keeps it. A stuck lock
says that nothing was changed. Both are also in the event list (the stores publish them).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.adapters.json_store import StoreBusy, StoreConflict

translate = QCoreApplication.translate


def store_error_text(exc: Exception, what: str) -> str:
    """One translated sentence on why ``what`` (e.g. "The view “North”") was not saved."""
    if isinstance(exc, StoreConflict):
        stamp = next((c.stamp for c in exc.conflicts if c.stamp is not None), None)
        if stamp is None:
            return translate("Stores", "{0} was changed at another workstation after you opened it.").format(
                what
            )
        when = time.strftime("%H:%M:%S", time.localtime(stamp.at))
        if stamp.deleted:
            text = translate("Stores", "{0} was deleted at workstation “{1}” at {2}, after you opened it.")
        else:
            text = translate("Stores", "{0} was changed at workstation “{1}” at {2}, after you opened it.")
        return text.format(what, stamp.by, when)
    if isinstance(exc, StoreBusy):
        return translate(
            "Stores",
            "{0} was not saved: another workstation has been saving the shared file for more than {1} s. "
            "Nothing was changed; try again.",
        ).format(what, f"{exc.timeout_s:g}")
    return str(exc)


def replace_hint() -> str:
    return translate(
        "Stores", "Your change was not saved; theirs is shown. Save again to replace theirs with yours."
    )


def save_or_ask(parent: QWidget, what: str, title: str, save: Callable[[], object]) -> bool:
    """Run ``save``; on a conflict ask whether to replace the colleague's version (and save once
    more if so); on any other failure say why. True when saved."""
    try:
        save()
        return True
    except StoreConflict as exc:
        question = (
            store_error_text(exc, what) + "\n\n" + translate("Stores", "Replace their version with yours?")
        )
        answer = QMessageBox.question(parent, translate("Stores", "Changed at another workstation"), question)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return save_or_warn(parent, what, title, save)
    except (OSError, ValueError) as exc:
        QMessageBox.warning(parent, title, store_error_text(exc, what))
        return False


def save_or_warn(parent: QWidget, what: str, title: str, save: Callable[[], object]) -> bool:
    try:
        save()
        return True
    except (OSError, ValueError) as exc:
        QMessageBox.warning(parent, title, store_error_text(exc, what))
        return False
