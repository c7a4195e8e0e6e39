"""Where tn-kg finds its hand-edited inputs: ``ontology/``, ``data/`` and ``queries/``.

An installed wheel carries them as package data in ``tn_kg/_resources/``; in a checkout they
sit at the top of the repository, beside ``src/``. Both are found from this module's own
location, never from the working directory, so ``tn-kg build`` works from any folder.

>>> sorted(p.name for p in resource_root().iterdir() if p.name in RESOURCE_FOLDERS)
['data', 'ontology', 'queries']
"""

from __future__ import annotations

from pathlib import Path

RESOURCE_FOLDERS = ("ontology", "data", "queries")


def _packaged_root() -> Path | None:
    from importlib.resources import files

    candidate = files("tn_kg") / "_resources"
    if candidate.is_dir():
        return Path(str(candidate))
    return None


def _checkout_root() -> Path | None:
    root = Path(__file__).resolve().parents[2]  # <root>/src/tn_kg/resources.py
    if (root / "ontology").is_dir() and (root / "src" / "tn_kg").is_dir():
        return root
    return None


def resource_root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``.

    Returns:
        ``tn_kg/_resources`` of an installed package if present, else the checkout root.

    Raises:
        FileNotFoundError: if neither exists (a broken installation).
    """
    root = _packaged_root() or _checkout_root()
    if root is None:
        raise FileNotFoundError(
            "tn-kg's ontology, data and queries were not found: neither the package data "
            "tn_kg/_resources nor a source checkout around the package"
        )
    return root


def resource_dir(name: str) -> Path:
    """One of the input folders: ``"ontology"``, ``"data"`` or ``"queries"``."""
    if name not in RESOURCE_FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}; one of {', '.join(RESOURCE_FOLDERS)}")
    return resource_root() / name


def inputs_digest(root: Path | None = None) -> str:
    """SHA-256 over the names and bytes of every input file: changes whenever an input does."""
    import hashlib

    root = Path(root) if root is not None else resource_root()
    digest = hashlib.sha256()
    for folder in RESOURCE_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_dir() -> Path:
    """The per-user cache folder (``$XDG_CACHE_HOME/tn-kg``, default ``~/.cache/tn-kg``)."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tn-kg"


def packaged_build() -> Path:
    """A build folder of the packaged inputs, made on first use and cached.

    The cache key is the package version and a digest of the inputs, so an edited checkout is
    rebuilt, not served stale.

    Returns:
        A folder holding the build's files (``tn-kg.nq``, ``tn-kg.trig``, ...).

    Raises:
        BuildError: if the inputs do not build.
    """
    from tn_kg import __version__

    root = resource_root()
    folder = cache_dir() / f"{__version__}-{inputs_digest(root)[:16]}"
    if not (folder / "tn-kg.nq").is_file():
        from tn_kg.build import build

        folder.parent.mkdir(parents=True, exist_ok=True)
        build(folder, root=root)
    return folder
