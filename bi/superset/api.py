"""The few calls of Superset's REST API that `make bi`, its test and its benchmark make, as the admin user."""

from __future__ import annotations

import requests


def logged_in(url: str, password: str, timeout: float = 60) -> requests.Session:
    """A session carrying the admin's access token; raises requests.HTTPError when the password is refused."""
    session = requests.Session()
    answer = session.post(
        f"{url}/api/v1/security/login",
        timeout=timeout,
        json={"username": "admin", "password": password, "provider": "db", "refresh": False},
    )
    answer.raise_for_status()
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


def dashboards_with_charts(session: requests.Session, url: str, timeout: float = 60) -> list[tuple[dict, list[dict]]]:
    """Every dashboard with its charts, as the API lists them."""
    found = session.get(f"{url}/api/v1/dashboard/", params={"q": "(page_size:100)"}, timeout=timeout).json()["result"]
    return [
        (d, session.get(f"{url}/api/v1/dashboard/{d['id']}/charts", timeout=timeout).json()["result"]) for d in found
    ]


def chart_data(session: requests.Session, url: str, chart_id: int, timeout: float = 300) -> requests.Response:
    """The chart's rows from its saved query, Superset's cache bypassed."""
    return session.get(f"{url}/api/v1/chart/{chart_id}/data/", params={"force": "true"}, timeout=timeout)
