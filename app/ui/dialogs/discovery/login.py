"""The login the cameras are checked and added with: user name, the password's environment variable,
the password (in memory, to check now), the group, and the Check/Add buttons.

Passwords never go into the site file: a camera gets a user name and the *name* of the environment
variable that holds its password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.dialogs.save_view import dim
from camera_config.models import ENV_NAME_PATTERN, SiteConfig

translate = QCoreApplication.translate
ERROR = "color: rgb(236, 160, 60);"
DEFAULT_USER = "admin"
DEFAULT_PASSWORD_ENV = "CITYWALL_CAMERA_PASSWORD"


class LoginBox(QGroupBox):
    changed = Signal()

    def __init__(self, env: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._env = env
        self.user_edit = QLineEdit(DEFAULT_USER, self)
        self.user_edit.setMaxLength(128)
        self.env_edit = QLineEdit(DEFAULT_PASSWORD_ENV, self)
        self.env_edit.setMaxLength(100)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.group_combo = QComboBox(self)
        self.group_combo.setMinimumContentsLength(20)
        self.env_note = QLabel(self)
        self.env_note.setWordWrap(True)
        self.login_error = QLabel(self)
        self.login_error.setWordWrap(True)
        self.login_error.setStyleSheet(ERROR)
        self.login_error.hide()
        for edit in (self.user_edit, self.env_edit, self.password_edit):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        self.labels = {key: QLabel(self) for key in ("user", "env", "password", "group")}
        for key, widget in (
            ("user", self.user_edit),
            ("env", self.env_edit),
            ("password", self.password_edit),
            ("group", self.group_combo),
        ):
            self.labels[key].setBuddy(widget)
        env_field = QVBoxLayout()
        env_field.setSpacing(2)
        env_field.addWidget(self.env_edit)
        env_field.addWidget(self.env_note)
        form = QFormLayout()
        form.addRow(self.labels["user"], self.user_edit)
        form.addRow(self.labels["env"], env_field)
        form.addRow(self.labels["password"], self.password_edit)
        form.addRow(self.labels["group"], self.group_combo)
        self.check_button = QPushButton(self)
        self.add_button = QPushButton(self)
        for button in (self.check_button, self.add_button):
            button.setAutoDefault(False)
        actions = QVBoxLayout()
        actions.addWidget(self.check_button)
        actions.addWidget(self.add_button)
        actions.addStretch(1)
        fields = QVBoxLayout()
        fields.addLayout(form)
        fields.addWidget(self.login_error)
        layout = QHBoxLayout(self)
        layout.addLayout(fields, 1)
        layout.addSpacing(12)
        layout.addLayout(actions)

    def retranslate(self, site: SiteConfig | None) -> None:
        self.setTitle(translate("DiscoveryDialog", "Add the selected cameras"))
        self.labels["user"].setText(translate("DiscoveryDialog", "&User name"))
        self.labels["env"].setText(translate("DiscoveryDialog", "Password &variable"))
        self.labels["password"].setText(translate("DiscoveryDialog", "Pass&word (check only)"))
        self.labels["group"].setText(translate("DiscoveryDialog", "&Group"))
        self.env_edit.setToolTip(
            translate(
                "DiscoveryDialog",
                "The site file names this environment variable; set it to the password on every "
                "workstation that runs CityWall. The password itself is never saved.",
            )
        )
        self.password_edit.setToolTip(
            translate(
                "DiscoveryDialog",
                "Used only now, to log in to the cameras; never saved. Empty: the variable's value.",
            )
        )
        self.check_button.setText(translate("DiscoveryDialog", "&Check login"))
        self.add_button.setText(translate("DiscoveryDialog", "&Add to site"))
        self.fill_groups(site)

    def fill_groups(self, site: SiteConfig | None) -> None:
        current = self.group_combo.currentData()
        self.group_combo.clear()
        self.group_combo.addItem(translate("DiscoveryDialog", "(no group)"), None)
        for group in site.groups if site is not None else ():
            self.group_combo.addItem(f"{group.name} ({group.id})", group.id)
        index = self.group_combo.findData(current)
        self.group_combo.setCurrentIndex(max(0, index))

    # -- what was typed ------------------------------------------------------------------------------
    @property
    def user(self) -> str:
        return self.user_edit.text().strip()

    def password_env(self) -> str:
        return self.env_edit.text().strip()

    def password(self) -> str | None:
        """The password typed, else the variable's value here, else None."""
        return self.password_edit.text() or self._env.get(self.password_env()) or None

    def login_problem(self) -> str | None:
        """What is wrong with the user name or the password variable, in words; None if nothing."""
        if not self.user:
            return translate("DiscoveryDialog", "Enter the cameras' user name.")
        name = self.password_env()
        if not name:
            return translate(
                "DiscoveryDialog", "Enter the name of the environment variable that holds the password."
            )
        if not re.match(ENV_NAME_PATTERN, name):
            return translate(
                "DiscoveryDialog",
                "“{0}” is not an environment variable name: use letters A-Z, digits and _, "
                "not starting with a digit (e.g. CITYWALL_CAMERA_PASSWORD).",
            ).format(name[:40])
        return None

    def update_notes(self, show_error: bool) -> None:
        problem = self.login_problem()
        self.login_error.setText(problem or "")
        self.login_error.setVisible(problem is not None and show_error)
        name = self.password_env()
        if not name or (problem is not None and not re.match(ENV_NAME_PATTERN, name)):
            self.env_note.setText("")
        elif self._env.get(name):
            self.env_note.setText(
                translate(
                    "DiscoveryDialog", "{0} is set on this workstation. The site file stores only its name."
                ).format(name)
            )
        else:
            self.env_note.setText(
                translate(
                    "DiscoveryDialog",
                    "{0} is not set here: type the password below to check the login, and set {0} "
                    "wherever CityWall runs. The site file stores only its name.",
                ).format(name)
            )
        dim(self.env_note)
        self.env_note.setVisible(bool(self.env_note.text()))
        if name and self._env.get(name):
            self.password_edit.setPlaceholderText(translate("DiscoveryDialog", "(the variable's value)"))
        else:
            self.password_edit.setPlaceholderText(
                translate("DiscoveryDialog", "(only to check now; never saved)")
            )
