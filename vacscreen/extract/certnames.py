"""Certificates named by their title rather than by a list: vendor and professional certifications ("het
certificaat Azure Developer Associate (AZ-204)", "ISTQB Foundation Level gecertificeerd", "AWS Certified
Developer – Associate", "CCNP Enterprise is een pluspunt"). The name is the title as written, without the word
for certificate. Titles are found on the original text (case matters: a title is capitalised words, codes and
numbers), so this runs apart from the lower-cased pattern matcher."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

# One word of a title: capitalised, an acronym or code, or a number ("Azure", "AZ-204", "S/4HANA", "A+", "4").
_WORD = r"(?:[A-Z][\w+./&²]*(?:-[A-Z0-9][\w+./&²]*)*\+?|\d[\w.]*(?:-[A-Z0-9][\w.]*)*)"
# Words joined by spaces, dashes, colons or a lower-case connector ("Financial Accounting with SAP S/4HANA"),
# ending in an optional code in brackets ("(DP-203)", "(C_ACT)").
_TITLE = (rf"{_WORD}(?:(?:[ \t]+[–-][ \t]*|[ \t]*:[ \t]+|[ \t]+(?:for|with|in|op|voor)[ \t]+|[ \t]+){_WORD}){{0,8}}"
          r"(?:\s*\(\s*[A-Z0-9][\w .+-]{0,15}\))?")
_CERT_WORD = r"(?:certificaat|certificering|certificatie|certification)"
# Acronyms of professional certifications written without a word for certificate (not of methods that are also
# known without one, such as SAFe or TMAP; ITIL, PRINCE2, TOGAF and PMP are listed in patterns/licences.yaml).
_ACRONYMS = (r"CISSP|CISM|CISA|CRISC|OSCP|CEH|CCNA|CCNP|CCIE|CKA|CKAD|CKS|PSM|PSPO|CSM|CSPO|ISTQB|CompTIA|GIAC|"
             r"OCP|OCA|MCSE|MCSA|RHCE|RHCSA|LPIC")

_CODE = r"(?:\s*\(\s*(?P<c>[A-Z0-9][\w .+-]{0,15})\))"
_PATTERNS = [
    # "het Microsoft-certificaat Power BI Data Analyst (PL-300)": the vendor before the word, the title after it
    re.compile(rf"(?P<v>{_WORD}(?:\s+{_WORD}){{0,2}})-(?i:{_CERT_WORD})\s+(?P<t>{_TITLE})"),
    # "het certificaat Azure Data Engineer Associate (DP-203)", "de certificering SAP Activate (C_ACT)"
    re.compile(rf"\b(?i:{_CERT_WORD})\s+(?:(?i:als|in|voor|van)\s+)?(?P<t>{_TITLE})"),
    # "een ITIL 4 Foundation-certificaat", "ISTQB Foundation Level gecertificeerd"
    re.compile(rf"(?P<t>{_TITLE})[\s-]*(?i:{_CERT_WORD}|gecertificeerd)\b{_CODE}?"),
    # "AWS Certified Developer – Associate", "Certified Kubernetes Administrator (CKA)"
    re.compile(rf"(?P<t>(?:{_WORD}\s+)?Certified:?\s+{_TITLE})"),
    # "CCNP Enterprise is een pluspunt", "CISSP", "Microsoft 365 Endpoint Administrator (MD-102)"
    re.compile(rf"(?P<t>\b(?:{_ACRONYMS})\b(?:\s+{_WORD}){{0,4}}(?:\s*\(\s*[A-Z0-9][\w .+-]{{0,15}}\))?)"),
    re.compile(rf"(?P<t>{_TITLE}\s*\(\s*(?:[A-Z]{{2,3}}-\d{{3}}|[A-Z]{{3}}-C\d\d|\d{{3}}-\d{{3}}|1Z0-\d{{3}}|C_[A-Z0-9_]+)\s*\))"),
]
_DETERMINER = re.compile(r"^(?:Een|Het|De|Je|Jouw|Uw|Your|The|An?)\s+")
# A cheap test before the title patterns (which try every position): a word for certificate, a known acronym or an
# exam code in brackets must occur in the window.
_TRIGGER = re.compile(rf"(?i:certifi)|\b(?:{_ACRONYMS})\b|\(\s*(?:[A-Z]{{2,3}}-\d|[A-Z]{{3}}-C\d|\d{{3}}-\d|1Z0-|C_[A-Z])")
_CAPITALISED = re.compile(r"\b[A-Z]")
_STRONG = re.compile(r"[A-Z][^\s]*[A-Z]|\d")


@lru_cache(maxsize=4)
def _trigger_starts(text: str) -> list[int]:
    """Where the trigger occurs in a document: found once per document, not once per clause."""
    return [m.start() for m in _TRIGGER.finditer(text)]


def _is_title(title: str) -> bool:
    """A title has two capitalised words or a word with two capitals or a digit ("Mendix Advanced", "CCNA",
    "AZ-204"); one capitalised word ("Veilig werken ...") is the start of a sentence, a number ("6de") no title."""
    caps = len(_CAPITALISED.findall(title))
    return caps >= 2 or caps == 1 and bool(_STRONG.search(title))


# How far a title may run before or after its clause: the clause splitter cuts at " – ", which titles also hold
# ("AWS Certified Solutions Architect – Associate").
_REACH = 80


def titled_certificates(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """(name, start, end) of the certificates named by their title that start in text[start:end], leftmost-longest;
    a title may run on past the end, and one that started before `start` is its earlier clause's."""
    lo, hi = max(0, start - _REACH), min(len(text), end + _REACH)
    triggers = _trigger_starts(text)
    i = bisect_left(triggers, lo)
    if i == len(triggers) or triggers[i] >= hi:
        return []
    found = []
    for rx in _PATTERNS:
        for m in rx.finditer(text, lo, hi):
            a, b = m.span("t")
            a += len(_DETERMINER.match(text[a:b]).group(0)) if _DETERMINER.match(text[a:b]) else 0
            title = text[a:b].strip(" -–:")
            if "v" in rx.groupindex:
                v0, v1 = m.span("v")
                v0 += len(d.group(0)) if (d := _DETERMINER.match(text[v0:v1])) else 0
                title, a = f"{text[v0:v1]} {title}", v0
            elif "c" in rx.groupindex and m.group("c") and not _is_title(title):
                title = f"{title} {m.group('c').strip()}"  # "Azure certificatie (AZ-900)" -> "Azure AZ-900"
            if _is_title(title):
                found.append((title, a, m.end()))
    found.sort(key=lambda f: (f[1], -(f[2] - f[1])))
    out: list[tuple[str, int, int]] = []
    for name, a, b in found:
        if not any(a < y and x < b for _, x, y in out):
            out.append((name, a, b))
    return [(name, a, b) for name, a, b in out if start <= a < end]
