"""Is a folder a complete build that may be served?

A build folder holds ``tn-kg.nq`` (what the server loads) and ``SHA256SUMS``, which lists
every published file with its SHA-256 digest in ``sha256sum`` format (``<64 hex>  <name>``).
:func:`verify_build` checks both are there and that every listed file is present and matches
its digest, so that a folder left half-written, edited by hand or corrupted is refused with
one message that says what is wrong, before anything is served from it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tn_kg.errors import BuildFolderError

NQUADS = "tn-kg.nq"
SUMS = "SHA256SUMS"

_LINE = re.compile(r"([0-9a-f]{64}) [ *]([^/\\]+)")


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def verify_build(folder: Path) -> dict[str, str]:
    """Check that ``folder`` is a complete build whose files match ``SHA256SUMS``.

    Args:
        folder: the build folder (``tn-kg build --out DIR``).

    Returns:
        The SHA-256 digest (hex) of each file listed in ``SHA256SUMS``, by file name.

    Raises:
        BuildFolderError: the folder is missing, ``tn-kg.nq`` or ``SHA256SUMS`` is missing,
            ``SHA256SUMS`` is malformed or does not list ``tn-kg.nq``, or a listed file is
            missing or does not match its digest. The message names the folder and the file.

    >>> verify_build(Path("/nonexistent"))
    Traceback (most recent call last):
    ...
    tn_kg.errors.BuildFolderError: /nonexistent is not a tn-kg build: no such folder
    """
    folder = Path(folder)

    def fail(why: str) -> BuildFolderError:
        return BuildFolderError(f"{folder} is not a tn-kg build: {why}")

    try:
        if not folder.is_dir():
            raise fail("no such folder")
        for name in (NQUADS, SUMS):
            if not (folder / name).is_file():
                raise fail(f"{name} is missing (build one with: tn-kg build --out {folder})")
        try:
            text = (folder / SUMS).read_bytes().decode("ascii")
        except UnicodeDecodeError:
            raise fail(f"{SUMS} is not a checksum list (it is not ASCII text)") from None
        listed: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            match = _LINE.fullmatch(line)
            if not match or match.group(2) in (".", ".."):
                raise fail(f"{SUMS} line {number} is not '<sha256>  <file name>'")
            digest, name = match.groups()
            if name in listed:
                raise fail(f"{SUMS} lists {name} twice")
            listed[name] = digest
        if NQUADS not in listed:
            raise fail(f"{SUMS} does not list {NQUADS}")
        for name, digest in sorted(listed.items()):
            path = folder / name
            if not path.is_file():
                raise fail(f"{name} is listed in {SUMS} but missing")
            if _digest(path) != digest:
                raise fail(f"{name} does not match its checksum in {SUMS} (changed or corrupted "
                           f"since the build)")
    except OSError as exc:
        raise fail(f"cannot read {exc.filename or 'a file'}: {exc.strerror or exc}") from None
    return listed
