"""Superset's configuration for the Dazu warehouse (`make bi`): everything per installation lives under
$DAZU_DATA_DIR/superset/ (serve.py sets DAZU_SUPERSET_HOME and writes the secret key there before Superset
starts). Nothing secret is in the repository."""

import os
from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from flask_login import current_user

_HOME = Path(os.environ["DAZU_SUPERSET_HOME"])
_DATA_DIR = _HOME.parent

SECRET_KEY = (_HOME / "secret_key").read_text(encoding="utf-8").strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}"

# No calls home, no examples, no map tiles from the internet.
SCARF_ANALYTICS = False
LOG_LEVEL = "WARNING"
MAPBOX_API_KEY = ""

# The interface in Chinese first; English one click away.
BABEL_DEFAULT_LOCALE = "zh"
LANGUAGES = {"zh": {"flag": "cn", "name": "简体中文"}, "en": {"flag": "us", "name": "English"}}

# Charts read the published warehouse; a dashboard's numbers are at most a minute older than the warehouse.
DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 60}
SQLLAB_CTAS_NO_LIMIT = False

# The review reports of submissions ($DAZU_DATA_DIR/reports/), linked from the 报送与质量 dashboard, for
# logged-in users only; nothing else of the data folder is served.
_reports = Blueprint("dazu_reports", __name__, url_prefix="/dazu")


@_reports.route("/reports/<path:name>")
def _report(name: str):
    if not current_user.is_authenticated:
        abort(403)
    return send_from_directory(_DATA_DIR / "reports", name)


BLUEPRINTS = [_reports]
