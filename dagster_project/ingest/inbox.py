"""The inbox, read-only: which files are there and what their bytes are."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


@dataclass(frozen=True)
class InboxFile:
    path: Path
    name: str
    sha256: str
    modified_at: dt.datetime  # UTC, naive

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()


def is_candidate(path: Path) -> bool:
    """Office lock files (~$x.xlsx), hidden files and folders are not submissions."""
    return path.is_file() and not path.name.startswith(("~$", ".")) and not path.name.endswith(("~", ".tmp"))


def list_inbox(inbox: Path) -> list[Path]:
    if not inbox.is_dir():
        return []
    return sorted((p for p in inbox.rglob("*") if is_candidate(p)), key=lambda p: str(p.relative_to(inbox)))


def read_inbox_file(path: Path) -> InboxFile:
    """Fingerprints the file in chunks: enterprise extracts can be large."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)
    return InboxFile(path, path.name, digest.hexdigest(), modified)


def read_inbox(inbox: Path) -> Iterator[InboxFile]:
    """The inbox's files in order, fingerprinted. Every file is hashed on every run (a national inbox holds
    ~0.4 GB): two threads hash ahead of the caller (hashlib releases the interpreter lock)."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="inbox-hash") as hashing:
        yield from hashing.map(read_inbox_file, list_inbox(inbox))


def inbox_fingerprint(inbox: Path) -> str:
    """Cheap change detector for the sensor: names, sizes and modification times."""
    digest = hashlib.sha256()
    for path in list_inbox(inbox):
        stat = path.stat()
        digest.update(f"{path.relative_to(inbox)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
