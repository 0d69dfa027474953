"""Model registry on disk: every trained flag model is a version folder; one of them is active.

    models/flags/versions/<version>/   flags.skops, meta.json, MODEL_CARD.md
    models/flags/ACTIVE                the active version's name (replaced atomically)
    models/flags/HISTORY.jsonl         one line per activation (for rollback and audit)

A version folder is built under a temporary name and renamed when complete, and ACTIVE is written to a
temporary file and moved over the old one: a training run killed at any moment leaves the active model as it was.
A version is named, never given as a path: a name is checked (letters, digits, ".", "_", "-"), resolved inside
versions/, and only a complete folder (model and meta.json) counts. The model file is skops (save_model, load_model).
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

import skops.io

from vacscreen import settings


# A flag model is stored with skops, never pickled: loading refuses every type but these, scikit-learn's and
# numpy's, so a crafted model file cannot run code.
MODEL_FILE = "flags.skops"
TRUSTED = ["vacscreen.flags.classifier.FlagClassifier", "sklearn.calibration._CalibratedClassifier",
           "sklearn.calibration._SigmoidCalibration"]


def save_model(model, folder: Path) -> None:
    skops.io.dump(model, folder / MODEL_FILE, compression=8)


def load_model(folder: Path):
    """The FlagClassifier in a version folder; a file holding any other type is refused (skops)."""
    return skops.io.load(folder / MODEL_FILE, trusted=TRUSTED)


VERSIONS = "versions"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# leftovers of killed runs (".building-*" folders, "ACTIVE.*" temporary files) older than this are removed
# when a version is added; `vacscreen models clean` removes them all
STALE_SECONDS = 6 * 3600
log = logging.getLogger(__name__)


class RegistryError(ValueError):
    """An unknown version, or nothing to roll back to."""


class Registry:
    def __init__(self, root: Optional[Path] = None):
        self.root = Path(root) if root is not None else settings.current().flags_dir

    # ------------------------------------------------------------------ reading
    def active(self) -> Optional[str]:
        f = self.root / "ACTIVE"
        name = f.read_text(encoding="utf-8").strip() if f.exists() else ""
        return name if name and self._complete(name) else None

    def path(self, version: str) -> Path:
        """The folder of a complete version, by name (RegistryError for anything else)."""
        if not self._complete(version):
            raise RegistryError(f"unknown model version {version!r} (known: {', '.join(self.names()) or 'none'})")
        return self.root / VERSIONS / version

    def _complete(self, version: str) -> bool:
        if not isinstance(version, str) or not _NAME.fullmatch(version) or ".." in version:
            return False
        base = (self.root / VERSIONS).resolve()
        p = (base / version).resolve()
        return (p.parent == base and p.is_dir() and (p / MODEL_FILE).is_file()
                and (p / "meta.json").is_file())

    def names(self) -> list[str]:
        d = self.root / VERSIONS
        if not d.exists():
            return []
        return sorted(p.name for p in d.iterdir() if self._complete(p.name))

    def meta(self, version: str) -> dict:
        return json.loads((self.path(version) / "meta.json").read_text(encoding="utf-8"))

    def versions(self) -> list[dict]:
        """Every complete version with its date, training data and grouped cross-validation scores on train+dev
        (the sealed test split is not scored per version), oldest first."""
        active = self.active()
        out = []
        for name in self.names():
            m = self.meta(name)
            cv = (m.get("metrics") or {}).get("cv_train", {}).get("micro", {})
            out.append({"version": name, "active": name == active, "date": m.get("date"),
                        "created_at": m.get("created_at") or m.get("date"),
                        "trained_on": m.get("trained_on"), "review_labels": m.get("review_labels", 0),
                        "cv_f1": cv.get("f1"), "cv_p": cv.get("p"), "cv_r": cv.get("r")})
        return sorted(out, key=lambda v: (v["created_at"] or "", v["version"]))

    def history(self) -> list[dict]:
        """The activations, oldest first; a torn line (a write cut short) is skipped and logged."""
        f = self.root / "HISTORY.jsonl"
        if not f.exists():
            return []
        out = []
        for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                log.warning("%s line %d is not JSON (a torn write?): skipped", f, n)
                continue
            if isinstance(entry, dict):
                out.append(entry)
        return out

    # ------------------------------------------------------------------ writing
    def add(self, version: str, build: Callable[[Path], None]) -> Path:
        """Create a version: `build(folder)` writes the files into a temporary folder that is renamed to the
        version's name only when build returns."""
        if not _NAME.fullmatch(version) or ".." in version:
            raise RegistryError(f"a version name is letters, digits, '.', '_' and '-', not {version!r}")
        final = self.root / VERSIONS / version
        if final.exists():
            raise RegistryError(f"model version {version!r} exists already")
        final.parent.mkdir(parents=True, exist_ok=True)
        self.clean_partial(older_than=STALE_SECONDS)
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=final.parent))
        try:
            build(tmp)
            _fsync_dir(tmp)
            os.rename(tmp, final)
            _fsync_dir(final.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final

    def activate(self, version: str, reason: str = "activate") -> None:
        self.path(version)  # must exist
        previous = self.active()
        _atomic_write(self.root / "ACTIVE", version + "\n")
        with open(self.root / "HISTORY.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps({"version": version, "previous": previous, "reason": reason,
                                "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def deactivate(self, reason: str = "deactivate") -> None:
        """No active version: the rule layer alone flags (rollback re-activates the one before)."""
        previous = self.active()
        if previous is None:
            return
        (self.root / "ACTIVE").unlink()
        with open(self.root / "HISTORY.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps({"version": None, "previous": previous, "reason": reason,
                                "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def rollback(self) -> str:
        """Activate the version that was active before the current one."""
        current = self.active()
        for entry in reversed(self.history()):
            if entry.get("version") == current and entry.get("previous") and entry["previous"] in self.names():
                self.activate(entry["previous"], reason=f"rollback from {current}")
                return entry["previous"]
        raise RegistryError("nothing to roll back to: no earlier active version in HISTORY.jsonl")

    def clean_partial(self, older_than: float = 0.0) -> int:
        """Remove what killed runs left (".building-*" version folders, "ACTIVE.*" and "HISTORY.jsonl.*"
        temporary files) whose last change is at least `older_than` seconds ago; returns how many."""
        d = self.root / VERSIONS
        found = (list(d.glob(".building-*")) if d.exists() else []) + list(self.root.glob("ACTIVE.*"))
        now, gone = time.time(), 0
        for p in found:
            try:
                if now - p.stat().st_mtime < older_than:
                    continue
                shutil.rmtree(p) if p.is_dir() else p.unlink()
                gone += 1
            except OSError as e:
                log.warning("could not remove %s: %s", p, e)
        return gone


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
