"""One build as the server serves it: a private, verified snapshot of its files and the
worker pool that answers from it; and the holder that switches to a new build atomically.

The served folder may be rebuilt while the server runs (``tn-kg build`` replaces it as a
whole). The server never reads that folder again after taking a snapshot: each
:class:`Site` copies the build's files into a folder of its own, checks them
against ``SHA256SUMS``, and starts its workers from that copy, so a restarted worker loads the
same build as its siblings and a dump is always the file its ETag and checksum describe.
:class:`SiteHolder` polls the folder; when it changes and the new build is complete and
consistent, a new :class:`Site` is started beside the old one and swapped in at once. Each
request takes the current site once and uses it to the end, so no answer mixes two builds;
the old site is closed when its last request ends.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from tn_kg.errors import BuildFolderError
from tn_kg.server.buildcheck import SUMS, verify_build
from tn_kg.server.pool import WorkerPool

log = logging.getLogger("tn_kg.server")

DUMP_TYPES = {
    ".nq": "application/n-quads", ".trig": "application/trig", ".ttl": "text/turtle",
    ".nt": "application/n-triples", ".jsonld": "application/ld+json", "": "text/plain; charset=utf-8",
}


def fingerprint(build: Path) -> tuple | None:
    """What changes when a build replaces the folder's files (None: the folder is incomplete)."""
    try:
        folder = os.stat(build)
        sums = os.stat(build / "SHA256SUMS")
        nquads = os.stat(build / "tn-kg.nq")
    except OSError:
        return None
    return tuple((s.st_ino, s.st_size, s.st_mtime_ns) for s in (folder, sums, nquads))


def snapshot(build: Path, *, attempts: int = 5) -> tuple[Path, tuple, dict[str, str]]:
    """Copy a build's published files into a new private folder, verified against SHA256SUMS.

    The files are copied, not linked: a file changed in place in the served folder would
    otherwise change under the server too. A folder that changes during the copy is tried again.

    Returns:
        The private folder, the :func:`fingerprint` of the build it holds, and the digests of
        its files by name (:func:`~tn_kg.server.buildcheck.verify_build` on the copy).

    Raises:
        BuildFolderError: the folder is not a build, a file is missing, or a checksum differs.
    """
    build = Path(build)
    for attempt in range(attempts):
        before = fingerprint(build)
        target = Path(tempfile.mkdtemp(prefix="tn-kg-serve-"))
        try:
            shutil.copyfile(build / SUMS, target / SUMS)
            for line in (target / SUMS).read_text(encoding="ascii").splitlines():
                name = line[66:].strip()
                if name and "/" not in name and name not in (".", ".."):
                    shutil.copyfile(build / name, target / name)
            digests = verify_build(target)
            if before is not None and before == fingerprint(build):
                return target, before, digests
        except (BuildFolderError, OSError, UnicodeDecodeError):
            shutil.rmtree(target, ignore_errors=True)
            verify_build(build)  # a broken build is named as the user gave it; else it was changing
        else:
            shutil.rmtree(target, ignore_errors=True)
        if attempt + 1 < attempts:
            time.sleep(0.2)
    raise BuildFolderError(f"{build} kept changing while it was read; serve it once the build is done")


class Dumps:
    """The published files of a build: only the names in ``SHA256SUMS``, and that file."""

    def __init__(self, folder: Path, digests: dict[str, str]) -> None:
        self.folder = Path(folder)
        self.files: dict[str, tuple[str, int]] = {
            name: (digest, (self.folder / name).stat().st_size) for name, digest in digests.items()
        }
        sums = (self.folder / SUMS).read_bytes()
        self.files[SUMS] = (hashlib.sha256(sums).hexdigest(), len(sums))

    def content_type(self, name: str) -> str:
        return DUMP_TYPES.get(Path(name).suffix, "application/octet-stream")


class Site:
    """One build being served: its snapshot, dumps, VoID description and worker pool."""

    def __init__(self, build: Path, *, pool_options: dict, extra_nquads: list[Path]) -> None:
        self.build = Path(build)
        self.folder, self.fingerprint, digests = snapshot(self.build)
        try:
            self.dumps = Dumps(self.folder, digests)
            void = self.folder / "void.ttl"
            self.void_ttl = void.read_bytes() if void.is_file() else b""
            self.pool = WorkerPool([self.folder / "tn-kg.nq", *extra_nquads], **pool_options)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self.modified = self.dumps.files["tn-kg.nq"][0][:12]
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self._close()

    def retire(self) -> None:
        """Close when the last request that uses this site ends (now, if none does)."""
        with self._lock:
            self._retired = True
            done = self._users == 0
        if done:
            self._close()

    def _close(self) -> None:
        self.pool.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class SiteHolder:
    """The current site, replaced by a new one when the served folder holds a new build.

    Args:
        build: the folder to serve.
        pool_options: keyword arguments of :class:`~tn_kg.server.pool.WorkerPool`.
        extra_nquads: further N-Quads files every site serves.
        reload_interval: seconds between looks at the folder (0: never look again).
    """

    def __init__(self, build: Path, *, pool_options: dict, extra_nquads: list[Path] | None = None,
                 reload_interval: float = 1.0) -> None:
        self.build = Path(build)
        self.pool_options = pool_options
        self.extra_nquads = list(extra_nquads or [])
        self.reload_interval = reload_interval
        self._lock = threading.Lock()
        self._current = self._new_site()
        self._stop = threading.Event()
        self._failed: tuple | None = None
        self.switches = 0
        self._thread = None
        if reload_interval > 0:
            self._thread = threading.Thread(target=self._watch, name="tn-kg-build-watch", daemon=True)
            self._thread.start()

    def _new_site(self) -> Site:
        return Site(self.build, pool_options=self.pool_options, extra_nquads=self.extra_nquads)

    @property
    def current(self) -> Site:
        return self._current

    def acquire(self) -> Site:
        """The current site, held until :meth:`Site.leave` (call it when the request ends)."""
        with self._lock:
            site = self._current
            site.enter()
        return site

    def check(self) -> bool:
        """Switch to the folder's build if it changed and is complete; True if it switched."""
        now = fingerprint(self.build)
        if now is None or now == self._current.fingerprint or now == self._failed:
            return False
        try:
            fresh = self._new_site()
        except Exception as exc:  # an incomplete or broken build: keep serving the last good one
            log.warning("not switching to the new build in %s: %s", self.build, exc)
            self._failed = now
            return False
        with self._lock:
            old, self._current = self._current, fresh
            self.switches += 1
        log.warning("now serving the new build in %s (tn-kg.nq %s)", self.build, fresh.modified)
        old.retire()
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.reload_interval):
            try:
                self.check()
            except Exception:  # pragma: no cover - logged, the watch goes on
                log.exception("the build watch failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        with self._lock:
            site = self._current
        site.retire()
