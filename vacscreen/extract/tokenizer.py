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

_TOKEN = re.compile(r"(\s+)|(\w+(?:[-'’.]\w+)*|[^\w\s])")


class VacancyTokenizer:
    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for m in _TOKEN.finditer(text):
            ws = m.group(1)
            if ws is None:
                words.append(m.group(2))
                spaces.append(False)
            elif words and not spaces[-1] and ws[0] == " ":
                spaces[-1] = True  # one space after a token belongs to it, as in spaCy
                if len(ws) > 1:
                    words.append(ws[1:])
                    spaces.append(False)
            else:
                words.append(ws)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

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
