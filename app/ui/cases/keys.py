"""The case window's keys, in one table: its buttons, their tooltips and the help read it.

Commands are Alt+letter (the list and the search box keep plain letters); only the commands
:func:`~app.core.cases.allowed_commands` gives the actor's role for the case's state are shown.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.core.cases import CaseCommand

C = CaseCommand
# In the order the buttons stand (the workflow's order).
COMMAND_KEYS: dict[CaseCommand, str] = {
    C.EDIT: "Alt+M",  # 修改 (modify): before dispatch only
    C.FILE: "Alt+F",
    C.DISPATCH: "Alt+D",
    C.START: "Alt+S",
    C.FEEDBACK: "Alt+B",
    C.VERIFY: "Alt+V",
    C.RETURN: "Alt+R",
    C.CLOSE: "Alt+C",
    C.REDISPATCH: "Alt+G",
    C.REQUEST_DEFERRAL: "Alt+H",
    C.REQUEST_EXTENSION: "Alt+E",
    C.APPROVE: "Alt+A",
    C.REJECT: "Alt+J",
    C.RESUME: "Alt+U",
    C.CANCEL: "Alt+N",
}
WINDOW_KEYS: dict[str, tuple[str, str]] = {
    "search": ("Ctrl+F", str(QT_TRANSLATE_NOOP("Cases", "Search the cases"))),
    "reload": ("F5", str(QT_TRANSLATE_NOOP("Cases", "Read the list again"))),
    "next_page": ("Ctrl+PgDown", str(QT_TRANSLATE_NOOP("Cases", "Next page"))),
    "previous_page": ("Ctrl+PgUp", str(QT_TRANSLATE_NOOP("Cases", "Previous page"))),
    "evidence": ("Ctrl+Return", str(QT_TRANSLATE_NOOP("Cases", "Open the report picture and clip"))),
    "help": ("F1", str(QT_TRANSLATE_NOOP("Cases", "Show or hide these keys"))),
}
COMMANDS_GROUP = str(QT_TRANSLATE_NOOP("Cases", "Case commands (only those allowed now are shown)"))
WINDOW_GROUP = str(QT_TRANSLATE_NOOP("Cases", "Case window"))
# Proposed for the alert list (app/ui/alerts/keys.py): O opens the confirmed alert's case here.
ALERT_TO_CASE_KEY = "O"
