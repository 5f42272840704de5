"""What an index folder must look like when no ingest is running (shared by the kill tests)."""
from __future__ import annotations

import fcntl


def current_build(settings) -> str:
    return (settings.index_dir / "CURRENT").read_text().strip()


def leftovers(settings) -> list[str]:
    """What must not be there after a finished ingest (empty when the index folder is clean)."""
    root = settings.index_dir
    found = [str(p.relative_to(root)) for p in root.rglob("*.tmp")]
    found += [p.name for p in root.iterdir() if p.name not in {"CURRENT", "builds", ".build.lock"}]
    builds = sorted(p.name for p in (root / "builds").iterdir())
    current = current_build(settings)
    if current not in builds:
        found.append(f"CURRENT names a missing build {current}")
    found += [f"unfinished build {b}" for b in builds if not (root / "builds" / b / "manifest.json").exists()]
    found += [f"build newer than the live one: {b}" for b in builds if b > current]
    if len(builds) > 2:  # the live build and the one before it, which a server may still read
        found.append(f"{len(builds)} builds kept")
    with open(root / ".build.lock") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fh, fcntl.LOCK_UN)
        except OSError:
            found.append("the build lock is still held")
    return found
