"""Model management, one implementation for the `vacscreen models` / `vacscreen train` commands and the Modellen page:
the flag model registry (versions, activate, roll back, deactivate, clean) and retraining from the label store.
Every change reloads the default Screener, so the next screening in this process uses it. Who may do what (roles,
confirmation, audit log) is the caller's: the page checks an admin account and writes the audit entry."""
from __future__ import annotations

from typing import Optional

from vacscreen.api import default_screener
from vacscreen.flags.registry import Registry, RegistryError

__all__ = ["Registry", "RegistryError", "registry", "versions", "activate", "rollback", "deactivate", "clean",
           "retrain", "active_models"]


def registry() -> Registry:
    """The registry the default Screener loads its flag model from (Settings.flags_dir)."""
    return Registry(default_screener().settings.flags_dir)


def versions() -> list[dict]:
    return registry().versions()


def activate(version: str, reason: str) -> None:
    registry().activate(version, reason=reason)
    default_screener().reload()


def rollback() -> str:
    version = registry().rollback()
    default_screener().reload()
    return version


def deactivate(reason: str) -> None:
    registry().deactivate(reason=reason)
    default_screener().reload()


def clean() -> int:
    """Remove what killed training runs left (".building-*" folders, temporary ACTIVE files)."""
    return registry().clean_partial()


def retrain(store=None, splits: tuple[str, ...] = ("train", "dev"), force: bool = False, C: Optional[float] = None,
            threshold: Optional[float] = None, linking_memory: bool = True) -> dict:
    """A new flag model version from the gold of `splits` plus the store's reviewer labels, activated only on a gain
    beyond noise in grouped cross-validation (or with force); with a store and linking_memory, also the linking
    memory with the occupations recruiters chose. Returns the flag training's report (+ "linking")."""
    from vacscreen.flags.train import DEFAULT_C, DEFAULT_THRESHOLD, train_flag_model
    from vacscreen.occupations.train import train_memory

    screener = default_screener()
    screener.reload()  # flags learn from what the current extraction finds
    res = train_flag_model(splits, C=DEFAULT_C if C is None else C,
                      threshold=DEFAULT_THRESHOLD if threshold is None else threshold, store=store, force=force,
                      registry=registry())
    if store is not None and linking_memory:  # recruiters' occupation choices join the linking memory
        res["linking"] = train_memory(splits, store=store)
    screener.reload()
    return res


def active_models() -> dict:
    """What screens now: the extraction model's version, the active flag model with its threshold, strong score,
    date and cross-validated F1."""
    screener = default_screener()
    reg = registry()
    active = reg.active()
    meta = reg.meta(active) if active else {}
    return {"extract": screener.model_version(), "flags": active, "threshold": screener.threshold,
            "strong_score": meta.get("strong_score", 0.7), "date": meta.get("date"),
            "f1": ((meta.get("metrics") or {}).get("cv_train") or {}).get("micro", {}).get("f1")}
