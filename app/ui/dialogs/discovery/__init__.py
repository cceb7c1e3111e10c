"""The camera search dialog (搜索设备): find ONVIF cameras, probe addresses, add cameras to the site.

* :mod:`.dialog` — the dialog and its flow (search, probe, check login, add);
* :mod:`.results` — the list of cameras found and the list of answers not understood;
* :mod:`.login` — the login the cameras are checked and added with;
* :mod:`.jobs` — a search or probe on a worker thread, polled by the dialog;
* :mod:`.adding` — what "Add to site" writes (plain data) and the write;
* :mod:`.texts` — the words for what the adapters report as values.
"""

from app.ui.dialogs.discovery.adding import SiteWriteError, append_cameras, camera_entries, site_hosts
from app.ui.dialogs.discovery.dialog import DiscoveryDialog

__all__ = ["DiscoveryDialog", "SiteWriteError", "append_cameras", "camera_entries", "site_hosts"]
