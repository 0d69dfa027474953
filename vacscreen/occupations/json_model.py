"""The linking models kept as plain JSON (the link confidence, the re-ranker): where they live, an atomic write,
and a read that refuses a file trained on other features. JSON holds numbers only: loading runs no code."""
from __future__ import annotations

import json
from pathlib import Path
from functools import lru_cache
from typing import Callable, Optional, Sequence


def model_path(name: str, model_dir: Optional[Path] = None) -> Path:
    from vacscreen import settings

    return (model_dir or settings.current().linking_dir) / name


def read(file: Path, features: Sequence[str]) -> Optional[dict]:
    """The saved dict, None without a file; ValueError when it was trained on other features."""
    if not file.exists():
        return None
    d = json.loads(file.read_text(encoding="utf-8"))
    if d.get("features") != list(features):
        raise ValueError(f"{file}: trained on other features; run `vacscreen train --component linking`")
    return d


def write(file: Path, d: dict) -> Path:
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(d, indent=1), encoding="utf-8")
    tmp.replace(file)
    return file


class ModelFile:
    """One kind of JSON model (a file name, its features, how a dict becomes the model): path(model_dir),
    from_file(file) read now, load(file=None) once per file (default: the shipped one; load.cache_clear())."""

    def __init__(self, name: str, features: Sequence[str], from_dict: Callable[[dict], object]):
        self.name, self.features, self.from_dict = name, tuple(features), from_dict
        self.load = lru_cache(maxsize=4)(self._load)

    def path(self, model_dir: Optional[Path] = None) -> Path:
        return model_path(self.name, model_dir)

    def from_file(self, file: Path):
        d = read(file, self.features)
        return None if d is None else self.from_dict(d)

    def _load(self, file: Optional[Path] = None):
        return self.from_file(file or self.path())
