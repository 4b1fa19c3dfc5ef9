import pytest

from dagster_project.catalog import Catalog, load_catalog
from dagster_project.settings import REFERENCE_DIR


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(REFERENCE_DIR)
