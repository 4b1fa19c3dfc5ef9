"""`make bi`: Superset on 127.0.0.1:$DAZU_BI_PORT with the dashboards of bi/superset/assets/.

Runs in .venv-bi (requirements-bi.lock), never in the pipeline's venv. The first start initialises Superset's
metadata under $DAZU_DATA_DIR/superset/ (SQLite), a secret key and the admin user; later starts reuse them and
only start the server (and import the pack again if it or the warehouse connection changed).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from api import logged_in
from pack import bundle, load_pack, warehouse_uri

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
ASSETS = HERE / "assets"
SUPERSET = Path(sys.executable).with_name("superset")
GUNICORN = Path(sys.executable).with_name("gunicorn")


def data_dir() -> Path:
    path = Path(os.environ.get("DAZU_DATA_DIR") or "data")
    return path if path.is_absolute() else REPO_ROOT / path


def private_file(path: Path, make) -> str:
    """The file's text, written once with make() (mode 600) when it does not exist."""
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as f:
            f.write(make())
    return path.read_text(encoding="utf-8").strip()


def superset_environment(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DAZU_SUPERSET_HOME": str(home),
        "SUPERSET_CONFIG_PATH": str(HERE / "superset_config.py"),
        "FLASK_APP": "superset.app:create_app()",
        "SUPERSET_HOME": str(home),
        "SCARF_ANALYTICS": "false",
        "DO_NOT_TRACK": "1",
        "PYTHONPATH": str(HERE),
    }


def superset_cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(SUPERSET), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def initialise(home: Path, env: dict[str, str], password: str) -> None:
    """Metadata tables, roles and the admin user: once per Superset version; the password when it changed."""
    version = subprocess.run(
        [sys.executable, "-c", "import importlib.metadata as m; print(m.version('apache-superset'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    initialised = home / f".initialised-{version}"
    if not initialised.exists():
        print(
            "初始化 Superset 元数据（仅首次，约需一分钟）/ initialising Superset's metadata (first start only) …",
            flush=True,
        )
        superset_cli(env, "db", "upgrade")
        superset_cli(env, "init")
        initialised.touch()
    applied = home / ".admin_password_applied"
    digest = hashlib.sha256((private_file(home / "secret_key", lambda: "") + password).encode()).hexdigest()
    if not applied.exists() or applied.read_text().strip() != digest:
        created = subprocess.run(
            [
                str(SUPERSET),
                "fab",
                "create-admin",
                "--username",
                "admin",
                "--firstname",
                "管理员",
                "--lastname",
                "Admin",
                "--email",
                "admin@localhost",
                "--password",
                password,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        if "already exist" in created.stdout + created.stderr:
            superset_cli(env, "fab", "reset-password", "--username", "admin", "--password", password)
        applied.write_text(digest)


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Superset stopped while starting (exit {server.returncode})")
        try:
            if requests.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"Superset did not answer at {url} within {timeout:.0f} s")


def import_pack(url: str, password: str, home: Path, uri: str, reader_password: str | None) -> None:
    """The pack through Superset's assets import API (overwrites what it imported before), when it changed."""
    configs = load_pack(ASSETS)
    archive = bundle(configs, uri)
    stamp = home / ".pack_imported"
    digest = hashlib.sha256(archive).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    session = logged_in(url, password)
    csrf = session.get(f"{url}/api/v1/security/csrf_token/", timeout=30)
    csrf.raise_for_status()
    session.headers.update({"X-CSRFToken": csrf.json()["result"], "Referer": url})
    form = {"overwrite": "true"}
    if reader_password:
        form["passwords"] = json.dumps({"databases/dazu_warehouse.yaml": reader_password})
    answer = session.post(
        f"{url}/api/v1/assets/import/", files={"bundle": ("dazu_pack.zip", archive)}, data=form, timeout=300
    )
    if answer.status_code != 200:
        raise SystemExit(f"导入仪表板失败 / importing the dashboards failed: {answer.status_code} {answer.text[:2000]}")
    stamp.write_text(digest)


def main() -> int:
    data = data_dir()
    if not (data / "warehouse.duckdb").exists() and os.environ.get("DAZU_TARGET", "duckdb") != "postgres":
        print(
            f"尚无数据仓库, 请先运行 make run / no warehouse at {data / 'warehouse.duckdb'} yet: run `make run` first",
            file=sys.stderr,
        )
        return 2
    home = data / "superset"
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_file(home / "secret_key", lambda: secrets.token_urlsafe(48))
    password = os.environ.get("DAZU_BI_ADMIN_PASSWORD")
    generated = not password and not (home / "admin_password").exists()
    if password:
        (home / "admin_password").unlink(missing_ok=True)  # a generated password no longer applies
    else:
        password = private_file(home / "admin_password", lambda: secrets.token_urlsafe(12))
    env = superset_environment(home)
    initialise(home, env, password)

    port = int(os.environ.get("DAZU_BI_PORT") or 8088)
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "superset.app:create_app()",
        ],
        env=env,
    )
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        wait_until_serving(url, server)
        import_pack(url, password, home, warehouse_uri(data), os.environ.get("DAZU_BI_READER_PASSWORD"))
        print(f"Superset: {url}  用户 user: admin", flush=True)
        if generated:
            print(
                f"管理员密码（仅显示这一次, 保存在 {home / 'admin_password'}）/ admin password (shown once, kept in "
                f"{home / 'admin_password'}): {password}",
                flush=True,
            )
        print("仪表板已就绪 / dashboards ready; Ctrl-C 停止 / to stop", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
