"""`citywall run SITE.yaml`: open the wall on a site file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.commands.common import add_run_options, alert_store_problem, data_folder_problem, run_options


def register(sub: Any) -> None:
    parser = sub.add_parser("run", help="open the video wall on a site file")
    parser.add_argument("site", type=Path, help="site configuration (YAML)")
    add_run_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from app.adapters.data_folder import DataFolderError
    from app.core.alert_ports import SchemaTooNew, StoreUnavailable
    from app.log_setup import configure_logging
    from camera_config.loader import ConfigError, load_site

    configure_logging(None, args.log_level)  # stderr until the data folder is known

    try:
        site = load_site(args.site)
    except ConfigError as exc:
        print(f"CityWall cannot start: {len(exc.issues)} problem(s) in the site file", file=sys.stderr)
        print(exc, file=sys.stderr)
        return 1
    from app.main import run_site

    try:
        code, report = run_site(site, run_options(args), site_file=args.site)
    except DataFolderError as exc:
        return data_folder_problem(exc.folder, exc.reason, offscreen=args.offscreen)
    except (SchemaTooNew, StoreUnavailable) as exc:
        return alert_store_problem(exc, offscreen=args.offscreen)
    if args.seconds is not None and report.never_live:
        print(f"never live: {', '.join(report.never_live)}", file=sys.stderr)
        return 1
    return code
