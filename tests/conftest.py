import logging
import shutil

import pytest

from dagster_project.catalog import Catalog, load_catalog
from dagster_project.settings import REFERENCE_DIR
from tests.builders import SAMPLE_INBOX
from tests.pipeline_runs import run_nightly

# Ephemeral Dagster instances close their SQLite storage before the pool's last rollback at exit.
logging.getLogger("sqlalchemy.pool").setLevel(logging.CRITICAL)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(REFERENCE_DIR)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory):
    """(inbox, data_dir) after one nightly run on a copy of the bundled sample.

    The end-to-end tests go on from this state (new files, reruns); others copy what they need.
    """
    root = tmp_path_factory.mktemp("sample")
    inbox = root / "inbox"
    shutil.copytree(SAMPLE_INBOX, inbox)
    run_nightly(inbox, root / "data")
    return inbox, root / "data"
