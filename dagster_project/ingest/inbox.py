"""The inbox, read-only: which entries are there and what their bytes are.

Only regular files are read. A symbolic link (to a file or a folder), a FIFO, a device or a socket is an entry
of its own kind: listed, never opened, never followed; its identity is made from its name and kind. Files are
opened with O_NOFOLLOW and checked again on the open descriptor, so an entry swapped for a link meanwhile is
not followed either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .reading import check_file_size

CHUNK = 1 << 20
REGULAR = "file"
KINDS_ZH = {
    "symlink": "符号链接",
    "fifo": "命名管道",
    "socket": "套接字",
    "device": "设备文件",
    "other": "特殊文件",
    REGULAR: "文件",
}


@dataclass(frozen=True)
class InboxFile:
    path: Path
    name: str
    sha256: str
    modified_at: dt.datetime  # UTC, naive
    size: int = 0
    kind: str = REGULAR  # file | symlink | fifo | socket | device | other
    relative: str = ""  # the entry's path inside the inbox

    @property
    def is_regular(self) -> bool:
        return self.kind == REGULAR


def is_candidate(name: str) -> bool:
    """Office lock files (~$x.xlsx), hidden entries and editors' temporary files are not submissions."""
    return not name.startswith(("~$", ".")) and not name.endswith(("~", ".tmp"))


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return REGULAR
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "other"


def scan_inbox(inbox: Path) -> list[tuple[Path, os.stat_result]]:
    """Every candidate entry under the inbox with its own status (lstat), folders descended but links not,
    in order of their path inside the inbox. The inbox itself may be a link: where it lies is configuration."""
    if not inbox.is_dir():
        return []
    found: list[tuple[Path, os.stat_result]] = []
    pending = [inbox]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not is_candidate(entry.name):
                continue
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(status.st_mode):
                pending.append(Path(entry.path))
            else:
                found.append((Path(entry.path), status))
    return sorted(found, key=lambda item: str(item[0].relative_to(inbox)))


def list_inbox(inbox: Path) -> list[Path]:
    return [path for path, _ in scan_inbox(inbox)]


def _modified(status: os.stat_result) -> dt.datetime:
    return dt.datetime.fromtimestamp(status.st_mtime, dt.UTC).replace(tzinfo=None)


def open_regular(path: Path) -> int:
    """A descriptor on the file itself, or OSError: never through a link, never blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file")
    return fd


def read_inbox_file(path: Path, inbox: Path | None = None, status: os.stat_result | None = None) -> InboxFile:
    """Fingerprints a regular file in chunks (enterprise extracts can be large); anything else by its name."""
    status = status or os.lstat(path)
    relative = str(path.relative_to(inbox)) if inbox else path.name
    kind = _kind(status.st_mode)
    if kind == REGULAR:
        try:
            fd = open_regular(path)
        except OSError:
            kind = "other"  # replaced by something else since it was listed
        else:
            digest = hashlib.sha256()
            with os.fdopen(fd, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
            return InboxFile(path, path.name, digest.hexdigest(), _modified(status), size, REGULAR, relative)
    identity = hashlib.sha256(f"not a regular file\0{kind}\0{relative}".encode()).hexdigest()
    return InboxFile(path, path.name, identity, _modified(status), 0, kind, relative)


def read_inbox(inbox: Path) -> Iterator[InboxFile]:
    """The inbox's entries in order, fingerprinted. Every file is hashed on every run (a national inbox holds
    ~0.4 GB): two threads hash ahead of the caller (hashlib releases the interpreter lock)."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="inbox-hash") as hashing:
        yield from hashing.map(lambda item: read_inbox_file(item[0], inbox, item[1]), scan_inbox(inbox))


def read_bytes(file: InboxFile, limit: int) -> tuple[bytes, str]:
    """The file's bytes, at most limit of them, and their sha256: what is parsed is what is archived."""
    fd = open_regular(file.path)
    with os.fdopen(fd, "rb") as handle:
        check_file_size(os.fstat(handle.fileno()).st_size, limit)
        data = handle.read(limit + 1)
    check_file_size(len(data), limit)
    return data, hashlib.sha256(data).hexdigest()


def first_line(file: InboxFile, limit: int = 65536) -> bytes:
    """The file's first line (at most limit bytes): a CSV's header."""
    with os.fdopen(open_regular(file.path), "rb") as handle:
        return handle.readline(limit)


def copy_regular(file: InboxFile, target: Path, limit: int) -> str:
    """Copies the file (at most limit bytes) to target and returns the sha256 of the bytes copied."""
    fd = open_regular(file.path)
    digest = hashlib.sha256()
    copied = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(fd, "rb") as source, open(target, "wb") as sink:
        check_file_size(os.fstat(source.fileno()).st_size, limit)
        while chunk := source.read(CHUNK):
            copied += len(chunk)
            check_file_size(copied, limit)  # it grew while being copied
            digest.update(chunk)
            sink.write(chunk)
    return digest.hexdigest()


def inbox_fingerprint(inbox: Path) -> str:
    """Cheap change detector for the sensor: names, sizes and modification times (of links themselves)."""
    digest = hashlib.sha256()
    for path, status in scan_inbox(inbox):
        digest.update(f"{path.relative_to(inbox)}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()
