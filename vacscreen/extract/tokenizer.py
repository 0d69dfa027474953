"""A fast tokenizer for the pipeline: words, single punctuation marks and whitespace runs.

The rule and trained components work on characters and clauses; tokens only carry the requirement spans
(`doc.spans`). spaCy's Dutch rule tokenizer (prefix/suffix/infix rules and exceptions) costs about 5 ms
for a 3,000-character vacancy, more than the whole rest of the pipeline, and its finer splits add nothing
here. This one keeps spaCy's contract: `doc.text` is exactly the input text.
"""
from __future__ import annotations

import re

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

# A token with the single space after it (spaCy's `whitespace_`), or a whitespace run of its own: a space run after
# a token keeps its first space on the token and becomes a token with the rest; other whitespace is a token.
_TOKEN = re.compile(r"(\w+(?:[-'’.]\w+)*|[^\w\s])( ?)|(\s+)")


class VacancyTokenizer:
    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        found = _TOKEN.findall(text)
        return Doc(self.vocab, words=[tok or ws for tok, _, ws in found], spaces=[sp == " " for _, sp, _ in found])

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # The tokenizer has no settings or data: nothing to save.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "VacancyTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> "VacancyTokenizer":
        return self


@spacy.registry.tokenizers("vacscreen.VacancyTokenizer.v1")
def create_tokenizer():
    def make(nlp):
        return VacancyTokenizer(nlp.vocab)

    return make
