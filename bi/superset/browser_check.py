"""Opens every dashboard of a running Superset in headless Chromium and reports, per dashboard, how many charts
it shows, how many rendered and which show an error; saves a screenshot of each.

    .venv-bi/bin/python bi/superset/browser_check.py URL PASSWORD SCREENSHOT_DIR SLUG [SLUG …]

Prints one JSON object: {slug: {"charts": n, "rendered": n, "errors": [...], "screenshot": path, "report_links":
[...]}, "first_report": {"href": …, "title": …}} (the first review report linked, opened).
Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# What a chart draws once it has its data: ECharts draw on a canvas, tables are tables, big numbers text.
RENDERED = "canvas, svg, table, .superset-legacy-chart-big-number, .big_number"
ERRORS = ".ant-alert-error, [data-test='error-tooltip'], .alert-danger"


def browser(profile: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # the machine has no internet: without these Chromium waits on lookups of Google's hosts
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1600,2200",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def log_in(driver: webdriver.Chrome, url: str, password: str) -> None:
    driver.get(f"{url}/login/")
    deadline = time.monotonic() + 60
    while not driver.find_elements(By.CSS_SELECTOR, "input[name='username'], #username"):
        if time.monotonic() > deadline:
            raise RuntimeError("no login form at " + driver.current_url)
        time.sleep(0.5)
    driver.find_element(By.CSS_SELECTOR, "input[name='username'], #username").send_keys("admin")
    field = driver.find_element(By.CSS_SELECTOR, "input[name='password'], #password")
    field.send_keys(password)
    if field.get_attribute("form"):  # the server-rendered login form
        field.submit()
    buttons = driver.find_elements(By.CSS_SELECTOR, "button[type='submit'], input[type='submit']")
    if buttons and "/login" in driver.current_url:  # the React one
        buttons[0].click()
    deadline = time.monotonic() + 60
    while "/login" in driver.current_url:
        if time.monotonic() > deadline:
            raise RuntimeError("login did not succeed")
        time.sleep(0.5)


def check_dashboard(driver: webdriver.Chrome, url: str, slug: str, screenshots: Path, timeout: float = 90) -> dict:
    driver.get(f"{url}/superset/dashboard/{slug}/")
    deadline = time.monotonic() + timeout
    holders: list = []
    while time.monotonic() < deadline:
        holders = driver.find_elements(By.CSS_SELECTOR, "[data-test='dashboard-component-chart-holder']")
        loading = driver.find_elements(By.CSS_SELECTOR, "[data-test='loading-indicator'], .loading")
        done = [
            h for h in holders if h.find_elements(By.CSS_SELECTOR, RENDERED) or h.find_elements(By.CSS_SELECTOR, ERRORS)
        ]
        if holders and not loading and len(done) == len(holders):
            break
        time.sleep(0.5)
    time.sleep(1.5)  # animations settle before the screenshot
    errors = [h.text.strip()[:300] for h in holders if h.find_elements(By.CSS_SELECTOR, ERRORS)]
    reports = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "a[href*='/dazu/reports/']")]
    rendered = [h for h in holders if h.find_elements(By.CSS_SELECTOR, RENDERED)]
    shot = screenshots / f"superset_{slug}.png"
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1600, max(1200, min(int(height) + 100, 4000)))
    time.sleep(1)
    driver.save_screenshot(str(shot))
    return {
        "charts": len(holders),
        "rendered": len(rendered),
        "errors": errors,
        "screenshot": str(shot),
        "report_links": reports,
    }


def main(url: str, password: str, screenshots: str, *slugs: str) -> int:
    out = Path(screenshots)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            log_in(driver, url, password)
            results = {slug: check_dashboard(driver, url, slug, out) for slug in slugs}
            links = [link for result in results.values() for link in result["report_links"]]
            if links:  # a review report opens from its link, for a logged-in user
                driver.get(links[0])
                results["first_report"] = {"href": links[0], "title": driver.title}
        finally:
            driver.quit()
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
