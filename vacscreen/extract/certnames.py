"""Certificates named by their title rather than by a list: vendor and professional certifications ("het
certificaat Azure Developer Associate (AZ-204)", "ISTQB Foundation Level gecertificeerd", "AWS Certified
Developer – Associate", "CCNP Enterprise is een pluspunt"). The name is the title as written, without the word
for certificate. Titles are found on the original text (case matters: a title is capitalised words, codes and
numbers), so this runs apart from the lower-cased pattern matcher. A title stays on one line."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

# One word of a title: capitalised, an acronym or code, or a number ("Azure", "AZ-204", "S/4HANA", "A+", "4"). It
# starts a word (not at a capital inside one) and is bounded in length, so a long token costs one short try. A full
# stop stays inside a word only before another character ("ASP.NET"): after the last one a sentence ends.
_IN = r"(?:[\w+/&²]|\.(?=\w))"
_WORD = (rf"(?<![\w+./&²-])(?:[A-Z]{_IN}{{0,30}}(?:-[A-Z0-9]{_IN}{{0,30}}){{0,3}}\+?"
         r"|\d(?:\w|\.(?=\w)){0,10}(?:-[A-Z0-9](?:\w|\.(?=\w)){0,10}){0,2})")
# Between two words: spaces, an en dash, a hyphen before a certification level, a colon after one ("Oracle Certified
# Professional: Java SE"), or a lower-case connector ("Financial Accounting with SAP S/4HANA"). A hyphen between
# spaces otherwise separates list items ("Rijbewijs C - VCA").
_LEVEL = r"(?:Associate|Professional|Specialty|Expert|Foundation|Practitioner|Fundamentals|Advanced)\b"
_SEP = (rf"(?:[ \t]+–[ \t]*|[ \t]+-[ \t]+(?={_LEVEL})|(?:(?<=Professional)|(?<=Associate)|(?<=Certified)|(?<=Expert))"
        r"[ \t]*:[ \t]+|[ \t]+(?:for|with|in|op|voor)[ \t]+|[ \t]+)")
_CODE = r"[A-Z0-9][\w .+-]{0,15}"  # what a code in brackets holds ("DP-203", "PSPO I", "SnowPro Core")


def _brackets(inner: str) -> str:
    return rf"[ \t]*\([ \t]*{inner}[ \t]*\)"


_TITLE = rf"{_WORD}(?:{_SEP}{_WORD}){{0,8}}(?:{_brackets(_CODE)})?"
_CERT_WORD = r"(?:certificaat|certificering|certificatie|certification)"
# Exam codes: Microsoft "AZ-204", AWS "SAA-C03", Cisco "200-301", Oracle "1Z0-829", SAP "C_TS4FI".
_EXAM = r"(?:[A-Z]{2,3}-\d{3}|[A-Z]{3}-C\d\d|\d{3}-\d{3}|1Z0-\d{3}|C_[A-Z0-9_]+)"
# Acronyms of professional certifications written without a word for certificate (not ones that also name a tool,
# a role or a method, such as OCP, CSM, SAFe or TMAP; ITIL, PRINCE2, TOGAF and PMP are in patterns/licences.yaml).
_ACRONYMS = r"CISSP|CISM|CISA|CRISC|OSCP|CEH|CCNA|CCNP|CCIE|CKA|CKAD|CKS|PSM|PSPO|CSPO|ISTQB|CompTIA|GIAC|MCSE|MCSA|RHCE|RHCSA|LPIC"

_PATTERNS = [
    # "het Microsoft-certificaat Power BI Data Analyst (PL-300)": the vendor before the word, the title after it
    re.compile(rf"(?P<v>{_WORD}(?:[ \t]+{_WORD}){{0,2}})-(?i:{_CERT_WORD})[ \t]+(?P<t>{_TITLE})"),
    # "het certificaat Azure Data Engineer Associate (DP-203)", "de certificering SAP Activate (C_ACT)"
    re.compile(rf"\b(?i:{_CERT_WORD})[ \t]+(?:(?i:als|in|voor|van)[ \t]+)?(?P<t>{_TITLE})"),
    # "een ITIL 4 Foundation-certificaat", "ISTQB Foundation Level gecertificeerd"
    re.compile(rf"(?P<t>{_TITLE})[ \t-]*(?P<w>(?i:{_CERT_WORD}|gecertificeerd))\b"
               rf"(?:{_brackets(f'(?P<c>{_CODE})')})?"),
    # "AWS Certified Developer – Associate", "Certified Kubernetes Administrator (CKA)"
    re.compile(rf"(?P<t>(?:{_WORD}[ \t]+)?Certified:?[ \t]+{_TITLE})"),
    # "CCNP Enterprise is een pluspunt", "CISSP"
    re.compile(rf"(?P<t>\b(?:{_ACRONYMS})\b(?:[ \t]+{_WORD}){{0,4}}(?:{_brackets(_CODE)})?)"),
    # "Microsoft 365 Endpoint Administrator (MD-102)"
    re.compile(rf"(?P<t>{_TITLE}{_brackets(_EXAM)})"),
]
# Words before a title that are not part of it (a preposition before a company's name is checked by _WORKPLACE).
_DETERMINER = re.compile(r"^(?:Een|Het|De|Je|Jouw|Uw|Your|The|An?|Bij|Als|Voor|Met)\s+")
# Not a certificate: a heading or field label as the first word ("Talen: ..."), a company ("Microsoft Gold Certified
# Partner", "Certified Group Belgium NV"), or a name after "bij" (where one works).
_LABEL = re.compile(r"^(?:Talen|Vereisten|Profiel|Opleiding|Ervaring|Rijbewijs|Attesten|Certificaten|Diploma|Functie|"
                    r"Aanbod|Wat|Wie)\b", re.IGNORECASE)
_COMPANY = re.compile(r"\b(?:Partner|NV|BV|B\.V\.|Group|Groep|Nederland|Belgium|België|Netherlands)\b")
_WORKPLACE = re.compile(r"\b(?:bij|voor)\s+$", re.IGNORECASE)
# "gecertificeerd" of the candidate ("Je bent ... gecertificeerd"), not of the employer ("Wij zijn ISO 9001 ...").
_ADDRESSED = re.compile(r"\b(?:je|jij|u|bent|ben)\b", re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.!?\n][^.!?\n]*$")
# A cheap test before the title patterns: a word for certificate, a known acronym or an exam code in brackets must
# occur near the clause.
_TRIGGER = re.compile(rf"(?i:certifi)|\b(?:{_ACRONYMS})\b|\(\s*{_EXAM}")
_CAPITALISED = re.compile(r"\b[A-Z]")
_STRONG = re.compile(r"[A-Z][^\s]*[A-Z]|\d")
# How far a title may run before or after its clause: the clause splitter cuts at " – ", which titles also hold
# ("AWS Certified Solutions Architect – Associate").
_REACH = 80


@lru_cache(maxsize=4)
def _trigger_starts(text: str) -> list[int]:
    """Where the trigger occurs in a document: found once per document, not once per clause."""
    return [m.start() for m in _TRIGGER.finditer(text)]


def _is_title(title: str) -> bool:
    """A title has two capitalised words or a word with two capitals or a digit ("Mendix Advanced", "CCNA",
    "AZ-204"); one capitalised word ("Veilig werken ...") is the start of a sentence, a number ("6de") no title."""
    caps = len(_CAPITALISED.findall(title))
    return caps >= 2 or caps == 1 and bool(_STRONG.search(title))


def _of_the_candidate(text: str, a: int, m: re.Match) -> bool:
    if "w" in m.re.groupindex and m.group("w").lower() == "gecertificeerd":
        return _addressed_before(text, a)
    return True


def _addressed_before(text: str, a: int) -> bool:
    before = text[max(0, a - 80): a]
    sentence = before[s.start() + 1:] if (s := _SENTENCE_START.search(before)) else before
    return bool(_ADDRESSED.search(sentence))


_CERTIFIED_AFTER = re.compile(r"[\s*+-]{0,6}gecertificeerd\b", re.IGNORECASE)


def employer_certified(text: str, a: int, b: int) -> bool:
    """A listed certificate the employer holds: "Wij zijn VCA**-gecertificeerd", "ons bedrijf is ISO 9001
    gecertificeerd" (no "je", "u" or "bent" before it in the sentence), not a demand."""
    return bool(_CERTIFIED_AFTER.match(text, b)) and not _addressed_before(text, a)


def _title(text: str, m: re.Match) -> tuple[str, int]:
    """The name and start of a match's title: without a leading determiner or trailing punctuation; the vendor
    before the word for certificate first; an exam code after a one-word title ("Azure certificatie (AZ-900)" ->
    "Azure AZ-900")."""
    a, b = m.span("t")
    if d := _DETERMINER.match(text[a:b]):
        a += d.end()
    title = text[a:b].strip(" -–:").rstrip(".,;")
    if "v" in m.re.groupindex:
        v0, v1 = m.span("v")
        if d := _DETERMINER.match(text[v0:v1]):
            v0 += d.end()
        return f"{text[v0:v1]} {title}", v0
    if "c" in m.re.groupindex and m.group("c") and not _is_title(title):
        return f"{title} {m.group('c').strip()}", a
    return title, a


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
            title, a = _title(text, m)
            if (_is_title(title) and not _LABEL.match(title) and not _COMPANY.search(title)
                    and not _WORKPLACE.search(text, max(0, a - 5), a) and _of_the_candidate(text, a, m)):
                found.append((title, a, m.end()))
    found.sort(key=lambda f: (f[1], -(f[2] - f[1])))
    out: list[tuple[str, int, int]] = []
    for name, a, b in found:
        if not any(a < y and x < b for _, x, y in out):
            out.append((name, a, b))
    return [(name, a, b) for name, a, b in out if start <= a < end]


def with_titled(text: str, cs: int, ce: int, found: list) -> list:
    """The licence and certificate matches of a clause ((name, kind), match, start, end) with the certificates
    named by their title: added where no listed licence or certificate is written, or instead of a listed
    certificate that the title names more precisely ("PRINCE2 Practitioner" for "PRINCE2"; not "VCA Basis (B-VCA)"
    for "VCA basis", never instead of a driving licence)."""
    out = list(found)
    for name, a, b in titled_certificates(text, cs, ce):
        inside = [f for f in out if a < f[3] and f[2] < b]
        listed = text[inside[0][2]: inside[0][3]] if len(inside) == 1 and inside[0][0][1] != "licence" else None
        if inside and not (listed and name.startswith(listed) and re.match(r" [^\s(–-]", name[len(listed):])):
            continue
        out = [f for f in out if f not in inside] + [((name, "certificate"), None, a, b)]
    return out
