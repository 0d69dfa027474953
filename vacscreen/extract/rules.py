"""Rule layer of the extractor: finds candidate requirements in clauses with the patterns of
patterns/*.yaml and normalises them. The trained component (required.py) then decides which
candidates are demands and whether each is required."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from vacscreen.extract import knowledge, normalise
from vacscreen.extract.certnames import employer_certified, with_titled
from vacscreen.extract.matcher import Matches, Triggers, spans_ci
from vacscreen.extract.patterns import legal_entry, load_patterns
from vacscreen.extract.routes import EXPLICIT_CEFR, mark_routes
from vacscreen.schema import Requirement

# Span of a language mention chained to the previous one: "Nederlands, Frans en Engels", "NL/FR".
_CHAIN_GAP = re.compile(r"^[\s,/&+()\-–]*(?:en/of|en|én|of|and|or|&|as\s+well\s+as)?[\s,/&+()\-–]*(?:(?:or|of|and|en)\s+)?(?:het|de|in\s+het)?\s*$", re.IGNORECASE)
# Text allowed between a language and a level that follows it: "Nederlands (Goed)", "Engels: vloeiend", "Nederlands
# is je moedertaal".
_FOLLOW_GAP = re.compile(r"^\s*(?:\(|:|-|–|is|op\s+een|op|als|niveau|op\s+niveau|aan|het|minstens|minimaal|je|jouw|uw|\s)*\s*$",
                         re.IGNORECASE)


@dataclass
class RuleCandidate:
    req: Requirement
    clause: tuple[int, int]       # clause span in the analysed text
    anchor: tuple[int, int]       # the matched keyword
    rule_required: bool = True    # the rule layer's guess, a feature for the trained component
    route: Optional[str] = None   # "held" or "obtained": the two routes of "X, of je haalt het bij ons"


_CEFR = re.compile(r"[abc][12]", re.IGNORECASE)
# "mbo-niveau en bij voorkeur een jaar in de bouw": the preference starts a new segment.
_SEGMENT_BREAK = re.compile(r"[,;]|\s(?:en\s+indien|maar|terwijl|en\s+als)\s|\s(?:en|of)\s+(?=bij\s+voorkeur|liefst|idealiter)",
                            re.IGNORECASE)
# "Masterdiploma (bij voorkeur bouwkunde)": a preference in brackets narrows the field, not the demand.
_FIELD_PREFERENCE = re.compile(r"\(\s*(?:bij\s+voorkeur|liefst|bv\.?|bijvoorbeeld)\s+[^()]{2,50}\)", re.IGNORECASE)
_DOMAIN_PREFERENCE = re.compile(r"\b(?:bij\s+voorkeur|liefst|preferably|ideally|idealiter)\s+(?:in|binnen|met|als|uit|bij|op|voor|een|de|het|within|in)\b", re.IGNORECASE)


# A segment that only judges the previous one: ", een pluspunt", ", is dit een grote plus", ", dat is mooi".
_EVALUATIVE = re.compile(r"\s*(?:(?:dat|dit|wat|het)\s+)?(?:is|zijn|wordt|een|echt|zeker|top|mooi|pluspunt|troef|plus)\b", re.IGNORECASE)


def rule_required(text: str, clause: tuple[int, int], anchor: tuple[int, int]) -> bool:
    """The rule layer's guess at `required`: false when a nice-to-have cue belongs to this mention.
    A cue counts when it is in the mention's own segment (between commas, "maar", "en indien"), or in the
    short segment right after it ("Ervaring met SAP, een pluspunt"), except a preference that only narrows
    the domain ("5 jaar ervaring, bij voorkeur in de bouw" stays required)."""
    p = load_patterns()
    cs, ce = clause
    a, b = anchor
    # a comma inside brackets ("(bv. Exact, Twinfield) is mooi meegenomen") does not end the mention's segment
    bounds = [cs] + [m.end() for m in _SEGMENT_BREAK.finditer(text, cs, ce)
                     if text.count("(", cs, m.start()) <= text.count(")", cs, m.start())] + [ce]
    seg = max(i for i, x in enumerate(bounds) if x <= a)
    seg_s, seg_e = bounds[seg], bounds[min(seg + 1, len(bounds) - 1)]
    nxt_e = bounds[min(seg + 2, len(bounds) - 1)]
    for cue, _ in spans_ci(p.optional, text, seg_s, nxt_e):
        if cue >= seg_e and (nxt_e - seg_e > 45 or not _EVALUATIVE.match(text, seg_e)):
            continue
        if cue > b and _DOMAIN_PREFERENCE.match(text, cue):
            continue
        paren = text.rfind("(", seg_s, cue)
        if b <= paren and not text[paren + 1:cue].strip() and _FIELD_PREFERENCE.match(text, paren):
            continue  # the mention stands before the brackets that narrow it
        if _in_other_brackets(text, cs, ce, cue, (a, b)):
            continue  # "Nederlands en Engels (Duits is een plus)": the cue is Duits's
        return False
    if text[cs:ce].rstrip().endswith("?") and _NOT_YET.search(text, cs, a):
        return False  # "Heb je nog geen rijbewijs C? Wij betalen je opleiding.": not held, so not demanded
    if text[cs:ce].rstrip().endswith("?"):  # "Heb je EPT-ervaring? Mooi meegenomen.": the answer after the question
        stop = re.search(r"[.!?\n]", text[ce: ce + 60])
        tail = text[ce: ce + stop.end()] if stop else text[ce: ce + 60]
        if _short_answer(p.optional).fullmatch(tail):
            return False
    return True


_NOT_YET = re.compile(r"\b(?:heb|hebt|bezit|ben)\s+(?:je|jij|u)\s+(?:nog\s+)?(?:geen|niet)\b", re.IGNORECASE)


@lru_cache(maxsize=2)
def _short_answer(optional: re.Pattern) -> re.Pattern:
    """A sentence that is only a nice-to-have judgement ("Mooi meegenomen.", "Dat is een pluspunt!"), nothing else."""
    return re.compile(r"\s*(?:(?:dat|dit|dan|het)\s+(?:is|zou\s+\w+|geldt\s+als|telt\s+als)\s+|"
                      r"(?:dan\s+)?heb\s+(?:je|jij)\s+|"
                      r"(?:een|mooi|zeker|extra|echt|helemaal|grote?|sterke?|mooie?|wel|ook)\s+)*"
                      rf"(?:{optional.pattern})\s*[.!]?\s*", re.IGNORECASE)


_ONLY_JUDGEMENT = re.compile(r"\s*(?:(?:is|zijn|een|echt|zeker|wel|grote?|extra|mooie?|sterke?|dat|dit)\s+)*$", re.IGNORECASE)


def _in_other_brackets(text: str, cs: int, ce: int, cue: int, anchor: tuple[int, int]) -> bool:
    """Whether the cue stands inside a bracket group of the clause that neither holds the mention nor follows it
    with only a judgement before the cue ("Duits (een plus)", "Engels (Is een troef)"; not "Engels (Duits is een
    plus)")."""
    opened = text.rfind("(", cs, cue)
    if opened < 0 or text.rfind(")", opened, cue) >= 0:
        return False
    closed = text.find(")", cue, ce)
    follows = 0 <= opened - anchor[1] <= 2 and _ONLY_JUDGEMENT.match(text[opened + 1:cue]) is not None
    return closed >= 0 and not opened < anchor[0] < closed and not follows


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans (trimmed). Splits at line ends, sentence ends and bullets; not after abbreviations."""
    p = load_patterns()
    cuts = [0]
    for m in p.clause_break.finditer(text):
        if m.start() == 0 and m.end() == 0:
            continue
        if text[m.start() - 1: m.start()] == ".":  # not after an abbreviation ("max. tweede graad")
            before = text[max(0, m.start() - 8): m.start()].rstrip(".").lower().split()
            if before and before[-1].split("(")[-1] in p.abbreviations:
                continue
        cuts.extend((m.start(), m.end()))
    cuts.append(len(text))
    spans = []
    for s, e in zip(cuts[::2], cuts[1::2]):
        while s < e and text[s] in " \t\r\n-•*·":
            s += 1
        while e > s and text[e - 1] in " \t\r\n,:":
            e -= 1
        if e - s >= 2:
            spans.append((s, e))
    return spans


def _mk(kind, text, s, e, section, **kw) -> Requirement:
    return Requirement(kind=kind, text=text[s:e], start=s, end=e, section=section, **kw)


def _refused(p, text: str, cs: int, ce: int, a: int, b: int) -> bool:
    """Whether the segment of the mention (between commas, semicolons, "maar") says the diploma does not suffice."""
    start = max([cs] + [x.end() for x in _SEGMENT_BREAK.finditer(text, cs, a)])
    end = next((x.start() for x in _SEGMENT_BREAK.finditer(text, b, ce)), ce)
    return p.edu_refused.search(text, start, end) is not None


def _education(text, cs, ce, section, vdab_line: bool, mx):
    p = load_patterns()
    matches = sorted(mx["education"].in_clause(cs, ce), key=lambda x: x[2])
    if not matches:
        return []
    found = []
    for level, m, a, b in matches:
        if not vdab_line and _refused(p, text, cs, ce, a, b):
            continue  # "een diploma X komt niet in aanmerking", "een bachelor volstaat niet, ..."
        if not vdab_line and level != "none" and (p.edu_not_before.search(text[max(cs, a - 40):a])
                                                  or p.edu_school_name.match(text, a)
                                                  or level.startswith("mbo") and _COLLEAGUE.search(text, max(cs, a - 20), a)):
            continue  # "leerkracht lager onderwijs", "salarisschaal D1-D3", "Atheneum Beekdal", "met een mbo-verpleegkundige"
        entry = None
        if level == "public_sector":  # a rank code: its letter's level (knowledge), or a CEFR range (skipped)
            level, entry = knowledge.public_level(m)
            if level is None:
                continue
        elif level.startswith("mbo"):
            entry = knowledge.mbo_entry(m)
        same = next((k for k, f in enumerate(found) if f[0] == level and not _ALTERNATIVE.search(text, f[3], a)), None)
        if not vdab_line and same is not None:
            # "een hbo-opleiding Verpleegkunde (bachelor)": one demand ("bachelor X of bachelor Y": two); it keeps
            # the knowledge entry either mention names
            if entry and not found[same][4]:
                found[same] = found[same][:4] + (entry,)
            continue
        found.append((level, m, a, b, entry))
    if not found:
        return []
    clause = text[cs:ce]
    equiv = bool(p.or_equivalent.search(clause))
    starts = [_vdab_item_start(text, cs, a) for _, _, a, _, _ in found]
    out = []
    for i, (level, m, a, b, entry) in enumerate(found):
        if vdab_line:  # "Of gelijkwaardig door ervaring Professionele bachelor: Logistiek Master: Bouw"
            s = cs if i == 0 else starts[i]
            e = starts[i + 1] if i + 1 < len(found) else ce
            while e > s and text[e - 1] == " ":
                e -= 1
            fld = text[b:e].split(":", 1)[1].strip() if ":" in text[b:e] else None
        else:
            s, e = cs, ce
            fld = _field(clause)
        out.append(RuleCandidate(
            _mk("education", text, s, e, section, level=level, vks=normalise.vks(level), field=fld or None,
                or_equivalent=equiv, entry=entry),
            (cs, ce), (a, b), rule_required=level != "none" and rule_required(text, (cs, ce), (a, b))))
    return out


_COLLEAGUE = re.compile(r"\b(?:met|naast)\s+(?:een|de|onze|twee|drie|\w+\s+)?\s*$", re.IGNORECASE)
_ALTERNATIVE = re.compile(r"\bofwel\b|\bof\b|\bor\b|[,;/]", re.IGNORECASE)
_VDAB_TYPE = re.compile(r"(?:Professionele|Academische|Professioneel)\s+$")


def _vdab_item_start(text, cs, a):
    """A VDAB item starts at its type words ("Professionele bachelor"), not at the level word."""
    m = _VDAB_TYPE.search(text, cs, a)
    return m.start() if m else a


_NOT_FIELD = re.compile(r"^(?:secundair|hoger|lager|vereist|onderwijs|niveau|diploma|opleiding|is|of|en|een|in|op|als|bij|met|"
                        r"voorkeur|gelijkwaardig|minimaal|minstens|behaald|nodig|must|hebt|heb|bent)\b", re.IGNORECASE)


def _field(clause: str) -> Optional[str]:
    for rx in load_patterns().field:
        for m in rx.finditer(clause):
            f = m.group(1).strip(" .,")
            if f and not _NOT_FIELD.match(f):
                return f
    return None


# "perfect drietalig: Nederlands, Frans en Engels": the level before the word for the number of languages
_MULTILINGUAL_GAP = re.compile(r"\s*(?:twee|drie|vier|meer)talig\s*:\s*$", re.IGNORECASE)


def _languages(text, cs, ce, section, vdab_line: bool, mx):
    p = load_patterns()
    clause = text[cs:ce]
    langs = []
    for iso, m, a, b in mx["lang_names"].in_clause(cs, ce):
        if p.lang_not_after.search(text[b: b + 30]) or p.lang_not_before.search(text, max(cs, a - 20), a):
            continue
        langs.append((a, b, iso))
    if not langs:  # most clauses name no language: decide that before the level cues
        bil = p.bilingual.search(clause)
        if not bil:
            return []
        a, b = cs + bil.start(), cs + bil.end()
        langs = [(a, b, iso) for iso in p.bilingual_default]
    not_level = [(m.start() + cs, m.end() + cs) for m in p.lang_not_level.finditer(clause)]
    cues = [(a, b, lvl if lvl != "explicit" else _CEFR.search(m.group(0)).group(0).upper())
            for lvl, m, a, b in mx["lang_levels"].in_clause(cs, ce)
            if not any(s <= a and b <= e for s, e in not_level)]
    if not (vdab_line or cues and any(abs(c[0] - l[1]) < 40 or abs(l[0] - c[1]) < 40 for c in cues for l in langs)
            or p.lang_context.search(clause) or p.optional.search(clause) or p.must.search(clause)):
        return []
    markers = sorted([(a, b, "lang", iso) for a, b, iso in langs] + [(a, b, "cue", c) for a, b, c in cues])
    out, seen = [], set()
    for i, (a, b, typ, iso) in enumerate(markers):
        if typ != "lang" or iso in seen and not vdab_line:
            continue
        level, span = None, (a, b)
        paren = i + 1 < len(markers) and markers[i + 1][2] == "cue" and re.match(r"\s*\($", text[b: markers[i + 1][0]])
        j = -1 if paren else i - 1  # walk back over a chain of languages to a level word before them
        head = a
        while j >= 0 and markers[j][2] == "lang" and _CHAIN_GAP.match(text[markers[j][1]: head]):
            head = markers[j][0]
            j -= 1
        owned = j >= 1 and markers[j - 1][2] == "lang" and _FOLLOW_GAP.match(text[markers[j - 1][1]: markers[j][0]])
        if j >= 0 and markers[j][2] == "cue" and not owned:
            gap = text[markers[j][1]: head]
            if len(gap) <= 45 and (not re.search(r"[,;:]", gap) or _MULTILINGUAL_GAP.match(gap)):
                level, span = markers[j][3], (markers[j][0], b)
                # "sterk in communicatie (NL vloeiend, ...)": inside brackets, a language's own level after it wins
                if "(" in gap and (after := _level_after(text, markers, i))[0] is not None:
                    level, span = after
        if level is None:
            level, span = _level_after(text, markers, i)
        seen.add(iso)
        if vdab_line:
            s, e = span
        else:
            s, e = cs, ce
        raw = text[span[0]: span[1]] if level else clause
        c = RuleCandidate(_mk("language", text, s, e, section, language=iso, cefr=level, raw=raw), (cs, ce), (a, b),
                      rule_required=rule_required(text, (cs, ce), (a, b)))
        out.append(c)
    return out


def _excluded(not_anchor: re.Pattern, clause: str, m: re.Match) -> bool:
    """An experience anchor is excluded by a not_anchor match that covers it, within 25 characters around it ("met
    user experience" excludes its own word, not the "ervaring" before it)."""
    lo = max(0, m.start() - 25)
    return any(lo + x.start() < m.end() and m.start() < lo + x.end()
               for x in not_anchor.finditer(clause[lo: m.end() + 25]))


def _level_after(text: str, markers: list, i: int) -> tuple:
    """(level, span) of a level written after the language of markers[i] (VDAB "Nederlands (Goed)"), or (None, its
    own span)."""
    a, b = markers[i][0], markers[i][1]
    k = i + 1
    while k < len(markers) and markers[k][2] == "lang" and _CHAIN_GAP.match(text[markers[k - 1][1]: markers[k][0]]):
        k += 1
    # the level after a chain of languages is each one's: "Nederlands, Frans en Engels perfect"
    if k < len(markers) and markers[k][2] == "cue" and _FOLLOW_GAP.match(text[markers[k - 1][1]: markers[k][0]]):
        e = markers[k][1]
        if text[e: e + 2].lstrip().startswith(")"):
            e = text.index(")", e) + 1
        return markers[k][3], (a, e)
    if i + 1 < len(markers) and markers[i + 1][2] == "cue":
        # an explicit CEFR code shortly after the language: "Je Nederlands is minstens van niveau B2",
        # "Nederlands beheerst op niveau C1 van het ERK"
        ca, cb = markers[i + 1][0], markers[i + 1][1]
        if ca - b <= 40 and not re.search(r"[,;:]", text[b:ca]) and EXPLICIT_CEFR.search(text, ca, cb):
            return markers[i + 1][3], (a, cb)
    return None, (a, b)


def _experience(text, cs, ce, section, vdab_line: bool, mx):
    if not mx["experience"].any_in(cs, ce):
        return []
    p = load_patterns()
    clause = text[cs:ce]
    others = [o.span() for o in p.exp_others.finditer(clause)]
    m = next((m for m in p.exp_anchor.finditer(clause) if not _excluded(p.exp_not_anchor, clause, m)
              and not any(s <= m.start() < e for s, e in others)), None)
    fixed = next(((rx, lo, hi, req) for rx, lo, hi, req in p.exp_fixed if rx.search(clause)), None)
    if not m and not fixed:
        return []
    lo, hi = normalise.years(clause)
    dm = p.exp_domain.search(clause)
    a = cs + (m.start() if m else 0)
    b = cs + (m.end() if m else len(clause))
    req = fixed[3] if fixed else rule_required(text, (cs, ce), (a, b))
    c = RuleCandidate(_mk("experience", text, cs, ce, section, min_years=lo, max_years=hi,
                      domain=dm.group(1).strip() if dm else None), (cs, ce), (a, b), rule_required=req)
    return [c] + _preferred_domain(text, b, ce, section)


def _preferred_domain(text: str, after: int, ce: int, section: str) -> list:
    """"3 jaar ervaring, bij voorkeur in de wijk": the preference is a nice-to-have of its own (annotation.md: each
    span as it is phrased), beside the demand it narrows, which stays required."""
    m = _DOMAIN_PREFERENCE.search(text, after, ce)
    if m is None:
        return []
    s = m.start()
    e = next((x.start() for x in _SEGMENT_BREAK.finditer(text, s + 3, ce)), ce)
    while e > s and text[e - 1] in " .!":
        e -= 1
    return [RuleCandidate(_mk("experience", text, s, e, section), (s, e), (s, e), rule_required=False)]


# Driving-licence categories written after a first one ("rijbewijs B, C en CE", "rijbewijs B/BE"), or opening the
# clause after a clause about the licence ("Rijbewijs B. BE is handig."): category -> canonical name.
_LICENCE_CLASS = {"AM": "A", "A": "A", "B": "B", "BE": "BE", "C1": "C", "C": "C", "C1E": "CE", "CE": "CE", "D1": "D",
                  "D": "D", "G": "G", "T": "T"}
_CLASS = r"(C1E|C1|CE|BE|AM|D1|[ABCDGT])(?![\w+-])"
_CLASS_LIST = re.compile(r"\s*(?:,|/|\+|&|\ben\b|\bof\b|\ben/of\b)\s*(?:(?:categorie|rijbewijs)\s+)?" + _CLASS)
_CLASS_OPENS = re.compile(_CLASS + r"\s+(?:is|zijn|mag|kan|een|als|heb|strekt)\b")


def _licence_classes(text: str, cs: int, ce: int, found: list) -> list:
    """The categories listed after a driving licence, and a clause that opens with one after a clause about it."""
    extra, taken = [], {name for (name, _), *_ in found}

    def add(x):
        name = f"rijbewijs {_LICENCE_CLASS[x.group(1)]}"
        if name not in taken:
            taken.add(name)
            extra.append(((name, "licence"), x, x.start(1), x.end(1)))

    for (name, kind), m, a, b in found:
        if name.startswith("rijbewijs"):
            at = b
            while (x := _CLASS_LIST.match(text, at, ce)) is not None:
                at = x.end()
                add(x)
    if not found and (x := _CLASS_OPENS.match(text, cs, ce)) and re.search(r"rijbewijs", text[max(0, cs - 80):cs], re.I):
        add(x)
    return extra


def _licences(text, cs, ce, section, vdab_line: bool, mx):
    p = load_patterns()
    found = [f for f in mx["licences"].in_clause(cs, ce) if not employer_certified(text, f[2], f[3])]
    if not vdab_line:
        found = sorted(with_titled(text, cs, ce, found + _licence_classes(text, cs, ce, found)), key=lambda f: f[2])
    if not found:
        return []
    # "X, of je haalt het bij ons": two routes of one requirement, the held X and the obtained X; the route belongs
    # to the last mention before it ("rijbewijs B en een VCA-attest, of je haalt het" offers the VCA only).
    route = None if vdab_line else p.obtain_route.search(text, found[0][3], ce)
    owner = max((f for f in found if route and f[2] < route.start()), key=lambda f: f[2], default=None)
    offered = bool(p.offered.search(text, cs, ce))
    out = []
    for (name, kind), m, a, b in found:
        cand = lambda s, e, anchor, required, **kw: RuleCandidate(  # noqa: E731
            _mk(kind, text, s, e, section, name=name, entry=legal_entry(name), route_group=kw.pop("group", None)),
            (cs, ce), anchor, rule_required=required, **kw)
        if owner is not None and a == owner[2]:
            e = cs + len(text[cs:route.start()].rstrip(" ,("))
            s = route.start() + len(route.group(0)) - len(route.group(0).lstrip(" ,("))
            end = route.end() - len(route.group(0)) + len(route.group(0).rstrip(" ."))
            if text.count(")", s, end) > text.count("(", s, end):  # "(of bereid dit te halen)"
                end = text.rindex(")", s, end)
            out.append(cand(cs, e, (a, b), rule_required(text, (cs, e), (a, b)), route="held", group=f"o{a}"))
            out.append(cand(s, end, (s, end), False, route="obtained", group=f"o{a}"))
            continue
        s, e = (a, b) if vdab_line else (cs, ce)
        out.append(cand(s, e, (a, b), not (offered and owner is None) and rule_required(text, (cs, ce), (a, b))))
    return out


def _criteria(text, cs, ce, section, vdab_line: bool, mx):
    found = list(mx["criteria"].in_clause(cs, ce, per_value=True))
    if not found or load_patterns().equal_opportunity.search(text, cs, ce):
        return []
    # The criterion spans its clause: two cues of one ground in a clause are one criterion. In a run-on clause
    # (a paragraph without full stops) it spans the cue's own segment, so that a welcome or the customers named
    # elsewhere in the paragraph neither hide nor excuse it.
    first = {}
    about_others = load_patterns().about_others
    for cat, m, a, b in found:
        s, e = _own_segment(text, cs, ce, a, b)
        if cat == "age" and load_patterns().age_welcome.search(text, s, e):
            continue
        if cat in ("age", "origin_language", "health", "nationality", "family") and (
                about_others.search(text, max(cs, a - 40), a) or _OTHERS_WITH.search(text, max(cs, a - 100), a)
                or _OF_OTHERS.match(text, b, min(ce, b + 40)) or _OTHERS_SUBJECT.match(text, cs, a)):
            continue  # "leerlingen (13 tot 21 jaar)", "cliënten met schulden ...", "de leeftijd van de kinderen",
            # "Ons team telt collega's tussen 20 en 60 jaar"
        if cat == "gender" and _EXISTING_PERSON.search(text, max(cs, a - 20), a):
            continue  # "samen met de kinderverzorgster": a colleague, not the person wanted
        if cat == "nationality" and load_patterns().right_to_work.match(text[b:min(ce, b + 60)]) \
                and not re.search(r"\b(?:niet|geen)\b", text[cs:ce], re.IGNORECASE):
            continue  # "een EU-paspoort of een verblijfsdocument": the right to work
        first.setdefault(cat, (s, e, a, b))
    return [RuleCandidate(_mk("criterion", text, s, e, section, category=cat), (cs, ce), (a, b))
            for cat, (s, e, a, b) in first.items()]


# People the work is about, then what they have, in one sentence up to the cue: "je begeleidt cliënten met schulden,
# woonproblemen of een moeilijke gezinssituatie" (not "je werkt met cliënten en je bent jonger dan 30").
_OTHERS_WITH = re.compile(r"\b(?:cliënten|clienten|klanten|bewoners|patiënten|patienten|gezinnen|jongeren|kinderen|"
                          r"ouderen|mensen|personen|inwoners|leerlingen|gebruikers)\s+(?:met|die|in)\b[^.;:!?\n]*$",
                          re.IGNORECASE)


# A sentence about others up to the cue, with them as its subject and no "je" before the cue: "Onze bewoners zijn
# vaak ouder dan 80", "Ons team telt collega's tussen 20 en 60 jaar" (not "Onze klanten zijn Franstalig, dus je
# bent ...").
_OTHERS_SUBJECT = re.compile(
    r"\W*(?:onze|ons|de|het)\s+(?:\w+\s+)?(?:cliënten|clienten|klanten|bewoners|patiënten|patienten|leerlingen|"
    r"kinderen|jongeren|ouderen|gasten|bezoekers|deelnemers|gebruikers|\w*team|\w*teams|\w*ploeg|collega.s|\w*medewerkers|"
    r"mensen|personeel|agenten|doelgroep|leden|cursisten|sporters|abonnees|reizigers|passagiers)\s+(?:zijn|is|telt|tellen|bestaat|bestaan|komen|hebben|heeft|variëren|"
    r"varieert)\b(?:(?!\b(?:je|jij|jouw|u|jou)\b)[^.;:!?\n])*$", re.IGNORECASE)


# The cue is a property of others: "op maat van de leeftijd van de kinderen", "de gezondheid van onze bewoners".
_OF_OTHERS = re.compile(r"\s*(?:van\s+)?(?:de|onze|je|jouw|hun|het)\s+(?:\w+\s+)?(?:kinderen|kind|cliënten|clienten|klanten|"
                        r"bewoners|patiënten|patienten|leerlingen|jongeren|ouderen|deelnemers|gasten|bezoekers|doelgroep)\b",
                        re.IGNORECASE)


RUN_ON = 200  # a clause longer than this is a run-on paragraph: a criterion spans its own segment


def _own_segment(text: str, cs: int, ce: int, a: int, b: int) -> tuple[int, int]:
    """The clause, or in a run-on clause the segment around [a, b) between commas, semicolons and "maar" (not
    inside brackets)."""
    if ce - cs <= RUN_ON:
        return cs, ce
    breaks = [m for m in _SEGMENT_BREAK.finditer(text, cs, ce)
              if text.count("(", cs, m.start()) <= text.count(")", cs, m.start())]
    s = max([cs] + [m.end() for m in breaks if m.end() <= a])
    e = min([ce] + [m.start() for m in breaks if m.start() >= b])
    while s < e and text[s] in " \t\n":
        s += 1
    return s, e


# "met de kinderverzorgster", "en onze poetsvrouw": a gendered job noun after "met/naast/en" and an article or
# possessive names someone already there, not the person wanted ("Ben jij de verkoopster", "Word jij onze kapster").
_EXISTING_PERSON = re.compile(r"(?:\bmet|\bnaast|\ben|,)\s+(?:de|het|onze|ons|jullie|hun|haar|zijn)\s+$", re.IGNORECASE)

EXTRACTORS = (_education, _languages, _experience, _licences, _criteria)


_LISTS: dict = {}


def _pattern_lists(p) -> tuple[dict, Triggers]:
    """The pattern lists of the Matches of a document and their Triggers, built once per loaded Patterns (Matches
    prepares a list once). The experience list is only a prefilter: clauses without an anchor or fixed VDAB value
    skip the experience rules."""
    hit = _LISTS.get(id(p))
    if hit is None or hit[0] is not p:
        lists = {"education": p.education, "lang_names": p.lang_names, "lang_levels": p.lang_levels,
                 "criteria": p.criteria, "licences": p.licence_items,
                 "experience": [(None, p.exp_anchor)] + [(None, f[0]) for f in p.exp_fixed]}
        hit = _LISTS[id(p)] = (p, lists, Triggers(*lists.values()))
    return hit[1], hit[2]


def candidates(text: str, section_at, headings=frozenset(), spans=None) -> list[RuleCandidate]:
    """All candidate requirements of a text. `section_at(pos)` gives the section label of a position;
    clauses that are only a section heading ("Werkervaring") are skipped."""
    p = load_patterns()
    low = text.lower()
    if len(low) != len(text):  # a few characters ("İ") change length when lower-cased
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    lists, triggers = _pattern_lists(p)
    present = triggers(text, low)
    mx = {name: Matches(items, text, low, present) for name, items in lists.items()}
    out: list[RuleCandidate] = []
    for cs, ce in spans if spans is not None else clauses(text):
        if text[cs:ce].rstrip(":?! ").lower() in headings:
            continue
        section = section_at(cs)
        vdab_line = section == "vdab_fields"
        for fn in EXTRACTORS:
            out.extend(fn(text, cs, ce, section, vdab_line, mx))
    mark_routes(text, out)
    return out
