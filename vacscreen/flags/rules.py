"""The rule layer: proposes flag candidates from the extracted requirements and the occupation's norm.

Each rule is a small function over one requirement (or the whole vacancy) that returns a Candidate or None.
A candidate carries the rule's own verdict (`fires`: the rule of domain.md as written, which is the rule-only
baseline), its severity by the gap (`strong`), the values its explanation needs, and rule features for the
classifier. Rules propose more than they fire (e.g. a gap of one level for any occupation); the classifier
decides. Thresholds, word lists and texts live in rules.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from vacscreen.flags.rules_config import RulesConfig
from vacscreen.vocab import LANGUAGE_NAMES

from vacscreen.occupations import legal
from vacscreen.schema import Occupation, Requirement

CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
STEP = {c: i + 1 for i, c in enumerate(CEFR)}


@lru_cache(maxsize=1)
def config() -> RulesConfig:
    """flags/rules.yaml, validated into typed objects (flags/rules_config.py), with its patterns compiled."""
    with open(Path(__file__).with_name("rules.yaml"), encoding="utf-8") as f:
        cfg = RulesConfig.model_validate(yaml.safe_load(f))
    cfg.compiled.update({
        # matched in lower-cased text (Vacancy.mentions): IGNORECASE makes these long alternations 2x slower
        "contact": re.compile(cfg.language.contact_re),
        "driving_task": re.compile(cfg.certificates.driving_task_re),
        "driving_occupation": re.compile(cfg.certificates.driving_occupation_re, re.I),
        "heavy": re.compile(cfg.certificates.heavy_re or r"(?!)"),
        "welcome": re.compile(cfg.discrimination.welcome_re, re.I),
        "about_others": re.compile(cfg.discrimination.about_others_re, re.I),
        "health_task": re.compile(cfg.discrimination.health_task_re, re.I),
        "health_fitness": re.compile(cfg.discrimination.health_fitness_re, re.I),
        "age_minimum": re.compile(cfg.discrimination.age_minimum_re, re.I),
        "age_legal_reason": re.compile(cfg.discrimination.age_legal_reason_re, re.I),
        "nationality_legal_reason": re.compile(cfg.discrimination.nationality_legal_reason_re, re.I),
        "negated": re.compile(cfg.cues.negated_re),
        "strong": {k: re.compile(v, re.I) for k, v in cfg.discrimination.strong_re.items()},
        # matched in lower-cased text: IGNORECASE makes re several times slower
        "soft": re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in cfg.overload.soft_skills) + r")\w*"),
        "ceiling": re.compile(cfg.discrimination.experience_ceiling_re, re.I),
        "student": re.compile(r"\b(?:student|jobstudent|stage|stagiair|starter|schoolverlater|afgestudeerd)", re.I),
    })
    return cfg


@dataclass
class Norm:
    """What the vacancy is measured against: the linked occupation's profile (all None when unknown)."""
    occupation: Optional[str] = None
    vks: Optional[int] = None
    bottleneck: bool = False
    regulated: bool = False
    legal_requirement: Optional[str] = None
    dutch: Optional[str] = None        # CEFR level the profile states for Dutch
    foreign: Optional[str] = None      # CEFR level read from the BK's foreign-language text
    experience_years: Optional[int] = None
    fallback: bool = False
    confidence: str = "none"
    sources: list[str] = field(default_factory=list)
    # The link was too unsure to measure demands against this occupation's profile (rules.yaml norms).
    uncertain: bool = False
    # An unsure link measured against the highest level of its plausible occupations (names here) instead.
    plausible: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.vks is not None

    @classmethod
    def from_occupation(cls, occ: Optional[Occupation], min_confidence: Optional[float] = None) -> "Norm":
        if occ is None or not occ.profile:
            return cls(occupation=occ.name if occ else None)
        floor = config().norms.link_confidence_min if min_confidence is None else min_confidence
        if occ.confidence is not None and occ.confidence < floor:
            # an unsure link is no norm of its own: the rules that need none (discrimination, driving) apply, and
            # the others only against the highest level of its plausible occupations (cautious())
            return cls.cautious(occ) or cls(occupation=occ.name, uncertain=True)
        p = occ.profile
        return cls(occupation=occ.name, vks=p.get("typical_vks"), bottleneck=bool(p.get("bottleneck")),
                   regulated=bool(p.get("regulated")), legal_requirement=p.get("legal_requirement"),
                   dutch=p.get("dutch_level") if p.get("dutch_level") in STEP else None,
                   foreign=bk_level(p.get("foreign_language")), experience_years=p.get("experience_norm_years"),
                   fallback=bool(p.get("fallback")), confidence=p.get("confidence") or "low",
                   sources=list(occ.profile_sources))

    @classmethod
    def cautious(cls, occ: Occupation) -> Optional["Norm"]:
        """For an unsure link: the linked occupation and the alternatives the re-ranker finds plausible (score >=
        rules.yaml norms.plausible_score), measured at the highest typical level among them, so a demand is
        too high only when it is too high for each. With no plausible alternative, the linked occupation alone,
        from norms.plausible_alone_min. None below norms.plausible_confidence_min (alone: plausible_alone_min; null:
        never) or when a plausible occupation has no level. No bottleneck, regulation or language levels: those are
        per occupation."""
        cfg = config().norms
        if cfg.plausible_score is None or occ.confidence is None:
            return None
        p = occ.profile or {}
        levels = [(occ.name, p.get("typical_vks"), bool(p.get("fallback")))]
        levels += [(a["name"], a.get("vks"), bool(a.get("estimated"))) for a in occ.alternatives
                   if a.get("score", 0.0) >= cfg.plausible_score]
        floor = cfg.plausible_confidence_min if len(levels) > 1 else cfg.plausible_alone_min
        if floor is None or occ.confidence < floor or any(vks is None for _, vks, _ in levels):
            return None
        return cls(occupation=occ.name, vks=max(vks for _, vks, _ in levels),
                   fallback=any(est for _, _, est in levels), confidence="low", uncertain=True,
                   plausible=tuple(name for name, _, _ in levels))


def bk_level(text: Optional[str]) -> Optional[str]:
    """CEFR level of a BK language description ("Basiskennis van Frans ..." -> A2); None when none is read."""
    if not text:
        return None
    m = re.search(r"\b([ABC][12])\b", text)
    if m:
        return m.group(1)
    low = text.lower()
    levels = [lvl for word, lvl in config().language.bk_words.items() if word in low]
    return max(levels, key=STEP.get) if levels else None


@dataclass
class Candidate:
    kind: str
    rule: str
    start: int
    end: int
    text: str
    requirement: Optional[int]
    fires: bool           # the rule of domain.md as written (rule-only verdict)
    strong: bool          # severity by the gap or the wording
    values: dict[str, Any] = field(default_factory=dict)    # for the reason and suggestion texts
    features: dict[str, Any] = field(default_factory=dict)  # rule features for the classifier
    score: float = 0.0


@dataclass
class Vacancy:
    """What the rules look at besides the requirements: the prepared text with its sections, and the title. Every
    offset (requirements, candidates, sections) is in `text`; assemble() maps the flags to the input at the end."""
    text: str
    title: str = ""
    sections: list = field(default_factory=list)  # SectionSpan in `text` offsets

    _found: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def mentions(self, cue: str, whole: bool = False) -> bool:
        """Whether rules.yaml's cue pattern (config().compiled[cue]) occurs in the text (whole: title + text); once per
        vacancy, not once per requirement (a vacancy lists several licences and languages)."""
        key = (cue, whole)
        if key not in self._found:
            text, negated = (self.whole if whole else self.text).lower(), config().compiled["negated"]
            # "Je hebt geen contact met klanten", "zonder verplaatsingen": a negated cue does not count.
            self._found[key] = any(not negated.search(text, max(0, m.start() - 30), m.start())
                                   for m in config().compiled[cue].finditer(text))
        return self._found[key]

    @classmethod
    def from_prepared(cls, prepared, title: Optional[str] = None) -> "Vacancy":
        return cls(text=prepared.text, title=title or "", sections=list(prepared.sections))

    @property
    def whole(self) -> str:
        return f"{self.title}\n{self.text}"

    def profile_heading(self) -> Optional[tuple[int, int]]:
        """Span of the first profile section's heading, e.g. "Profiel"."""
        for s in self.sections:
            if s.label == "profile" and s.heading:
                i = self.text.find(s.heading, s.start, s.end)
                if i >= 0:
                    return (i, i + len(s.heading))
        return None


# ------------------------------------------------------------------ per requirement


def education(i: int, r: Requirement, norm: Norm, level_of_span: dict, lowest: Optional[int] = None,
              softened: frozenset = frozenset()) -> Optional[Candidate]:
    if r.kind != "education" or not r.required or r.vks is None or r.vks < 2:
        return None
    vks = level_of_span.get((r.start, r.end), r.vks)  # alternatives in one clause: the lowest level counts
    if vks != r.vks:  # a lower alternative in the same clause is the real demand
        return None
    # data/gold/FLAG_REVIEW.md: the lowest diploma the vacancy accepts anywhere (a VDAB list gives alternatives)
    # is the demand; a free-text "bij voorkeur" for the same level softens the VDAB field's knock-out.
    if lowest is not None and lowest < vks:
        return None
    if r.section == "vdab_fields" and vks in softened:
        return None
    if not norm.known:  # no profile: only the general rules apply (domain.md, design note 1)
        return None
    cfg = config().education
    gap = vks - norm.vks
    if gap < 0 or (gap == 0 and vks < 6):  # proposed from the norm up for higher diplomas: the classifier decides
        return None
    # A norm from the ISCO fallback is a coarse estimate: one more level before the rule fires.
    strong_gap = cfg.strong_gap + (1 if norm.fallback else 0)
    if gap == 0:
        rule, fires, strong = "R1", False, False
    elif norm.regulated:
        # R4: the profile's typical level is the lowest the law accepts (HBO5 nurses); an estimated level is not.
        rule, fires, strong = "R4", not norm.fallback, False
    elif gap >= strong_gap:
        rule, fires, strong = "R1", True, True
    else:  # one level above (or two above a fallback norm): R2, mild; the text names the real gap
        rule, strong = ("R2" if gap == 1 else "R1"), False
        # R2 is one level over a sourced level; two over a coarse ISCO estimate may be one over the real level.
        fires = norm.bottleneck and norm.vks <= cfg.mild_max_vks and not r.or_equivalent and not norm.fallback
    return _cand("education_too_high", rule, i, r, fires, strong, {"vks": vks, "gap": gap, "demand_level": r.level},
                 {"gap": gap, "gap2": gap >= 2, "or_equivalent": bool(r.or_equivalent), "demanded": vks / 8})


def experience(i: int, r: Requirement, norm: Norm, vac: Vacancy) -> Optional[Candidate]:
    if r.kind != "experience":
        return None
    cfg = config()
    # A ceiling written as one ("maximaal 2 jaar ervaring"), not a band from zero ("0-2 jaar", "< 2 jaar").
    if r.max_years is not None and r.min_years is None and r.section != "vdab_fields" \
            and r.max_years <= cfg.discrimination.max_experience_years and cfg.compiled["ceiling"].search(r.text):
        return _cand("age", "R7x", i, r, True, False, {}, {"max_years": r.max_years})
    if not r.required:
        return None
    e = cfg.experience
    # a student job asking experience (R6s); VDAB's band "Beperkte ervaring (< 2 jaar)" asks next to none
    if cfg.compiled["student"].search(vac.title or "") and not (r.min_years is None and r.max_years is not None):
        return _cand("experience_too_high", "R6s", i, r, True, False, {"years": r.min_years}, {"student_job": True})
    years = r.min_years
    if years is None or years < e.propose_years or not norm.known:
        return None
    fires = (norm.vks <= e.max_vks and years >= e.mild_years) \
        or (norm.vks <= e.far_max_vks and years >= e.far_years) \
        or (norm.experience_years is not None and years >= norm.experience_years + 2)
    strong = fires and years >= e.strong_years and norm.vks <= e.max_vks
    return _cand("experience_too_high", "R6", i, r, fires, strong, {"years": f"{years:g}".replace(".", ",")},
                 {"years": years, "years_ge3": years >= 3, "years_ge5": years >= 5})


def language(i: int, r: Requirement, norm: Norm, vac: Vacancy) -> Optional[Candidate]:
    if r.kind != "language" or not r.required or r.cefr not in STEP:
        return None
    if config().compiled["strong"]["origin_language"].search(r.text):
        return None  # "Nederlands als moedertaal", "accentloos": the origin flag (R9) is the one demand, one flag
    cfg = config().language
    dutch = r.language == "nl"
    if not norm.known:
        return None
    by_vks = cfg.dutch_by_vks if dutch else cfg.foreign_by_vks
    needed = (norm.dutch if dutch else norm.foreign) or by_vks.get(norm.vks, "B2")
    gap = STEP[r.cefr] - STEP[needed]
    if STEP[r.cefr] < STEP["B2"] or gap < 1:
        return None
    contact = vac.mentions("contact", whole=True)
    # annotation.md: customer-facing jobs may need a high level; from VKS contact_min_vks up, contact with
    # customers or suppliers keeps the foreign-language rule quiet (the classifier still scores the candidate).
    quiet = contact and not dutch and norm.vks >= cfg.contact_min_vks and (
        cfg.contact_quiet_max is None or STEP[r.cefr] <= STEP[cfg.contact_quiet_max])
    # R10: C1/C2 Dutch for a job at VKS <= 3 (C2 up to VKS 4); R11: C1/C2 in a foreign language up to VKS 4,
    # B2 for the lowest levels; never Dutch for a regulated occupation (teachers' C1 is the law).
    high = STEP[r.cefr] >= STEP[cfg.strong_min]
    if dutch:
        fires = not norm.regulated and gap >= cfg.fires_gap and (
            (high and norm.vks <= cfg.dutch_max_vks) or (r.cefr == "C2" and norm.vks <= cfg.dutch_max_vks + 1))
    else:
        fires = not quiet and gap >= cfg.fires_gap and ((high and norm.vks <= cfg.foreign_max_vks)
                                                           or (STEP[r.cefr] >= STEP[cfg.fires_min] and norm.vks <= 2))
    strong = fires and high and norm.vks <= cfg.strong_max_vks
    return _cand("language_too_high", "R10" if dutch else "R11", i, r, fires, strong,
                 {"cefr": r.cefr, "norm_cefr": needed, "language_name": LANGUAGE_NAMES.get(r.language, r.language)},
                 {"gap": gap, "dutch": dutch, "contact": contact, "demanded": STEP[r.cefr]})


_OR_EXPERIENCE = re.compile(r"\bof\b[^.;]{0,40}\bervaring\b", re.IGNORECASE)


def certificate(i: int, r: Requirement, norm: Norm, vac: Vacancy) -> Optional[Candidate]:
    if r.kind not in ("licence", "certificate") or not r.required or not r.name:
        return None
    cfg, rx = config().certificates, config().compiled
    if r.name in cfg.trainable:
        # "een reachtruckattest of minstens zes maanden ervaring": experience is a second route, no knock-out
        fires = norm.known and norm.vks <= cfg.max_vks and not _OR_EXPERIENCE.search(r.text)
        return _cand("certificate_unneeded", "R5", i, r, fires, False, {"name": r.name},
                     {"trainable": True, "norm_known": norm.known})
    if r.name in cfg.driving:
        occupation_drives = bool(rx["driving_occupation"].search(f"{norm.occupation or ''} {vac.title or ''}"))
        task = vac.mentions("driving_task")
        legal = bool(norm.legal_requirement and re.search(r"rijbewijs|code 95", norm.legal_requirement, re.I))
        fires, rule = not (occupation_drives or task or legal), "R5b"
        if r.name in cfg.heavy and not fires and not legal:
            # a truck or bus licence needs heavy vehicles in the job, not any driving ("rijbewijs C" for a van)
            fires = not (rx["heavy"].search(f"{norm.occupation or ''} {vac.title or ''}".lower())
                         or vac.mentions("heavy", whole=True))
            rule = "R5c" if fires else rule
        return _cand("certificate_unneeded", rule, i, r, fires, False, {"name": r.name},
                     {"driving": True, "driving_task": task, "driving_occupation": occupation_drives,
                      "licence=" + r.name: True})
    # Any other licence or certificate: proposed, never fired by a rule (the classifier may learn one).
    return _cand("certificate_unneeded", "R5", i, r, False, False, {"name": r.name}, {"other_certificate": True})


def criterion(i: int, r: Requirement, norm: Norm, vac: Vacancy) -> Optional[Candidate]:
    if r.kind != "criterion" or not r.category:
        return None
    cfg, rx = config().discrimination, config().compiled
    kind = cfg.category_kind.get(r.category)
    if kind is None:
        return None
    strong = bool(rx["strong"][kind].search(r.text))
    rule = {"age": "R8" if strong else "R7", "gender": "R13", "origin_language": "R9", "nationality": "R14",
            "health": "R15", "other_discrimination": "R16"}[kind]
    # "Pas afgestudeerd? Welkom!": the welcome may stand just after the clause. A welcome, or wording about the
    # customers rather than the person wanted, is no demand (annotation.md): not proposed, so no model can flag it.
    welcome = bool(rx["welcome"].search(r.text) or rx["welcome"].match(vac.text, r.end, r.end + 20)
                   or re.match(r"\W{0,3}\s*welkom", vac.text[r.end:r.end + 20], re.I))
    if welcome or (kind == "origin_language" and rx["about_others"].search(r.text)) or _justified(kind, r, vac, rx):
        return None
    return _cand(kind, rule, i, r, True, strong, {"norm_cefr": "B1"}, {"category=" + r.category: True})


def _justified(kind: str, r: Requirement, vac: Vacancy, rx: dict) -> bool:
    """A fitness demand tied to the work (a good condition because the work is heavy, medical fitness for the
    function), a minimum age with its legal reason, or a nationality stated as the legal condition of a statutory
    post, in the criterion's sentence: the wording the law allows, not a demand about the person. Never pregnancy,
    a handicap, an illness or a body measure."""
    if kind not in ("health", "age", "nationality"):
        return False
    own_end = r.start + len(r.text.rstrip(" .!?\n"))  # the criterion's span may hold its own full stop
    stop = _SENTENCE_END.search(vac.text, own_end, min(own_end + 120, len(vac.text)))
    sentence = vac.text[r.start: stop.start() if stop else min(own_end + 120, len(vac.text))]
    if kind == "health":
        return bool(rx["health_fitness"].search(r.text) and not _PERSON_HEALTH.search(r.text)
                    and rx["health_task"].search(sentence))
    if kind == "nationality":
        return bool(rx["nationality_legal_reason"].search(sentence))
    return bool(rx["age_minimum"].search(r.text) and rx["age_legal_reason"].search(sentence))


_SENTENCE_END = re.compile(r"[.!?]\s|\n")
# A person's health state beside the fitness wording ("fysiek fit en in goede gezondheid"): never the work's need.
_PERSON_HEALTH = re.compile(r"gezond|ziekte|ziek\b|handicap|beperking|zwanger", re.IGNORECASE)


def _cand(kind, rule, i, r: Requirement, fires, strong, values, features) -> Candidate:
    return Candidate(kind=kind, rule=rule, start=r.start, end=r.end, text=r.text, requirement=i, fires=bool(fires),
                     strong=bool(strong), values={"demand": r.text.strip(), **values}, features=features)


# ------------------------------------------------------------------ per vacancy


def soft_skills(vac: Vacancy, norm: Norm) -> Optional[Candidate]:
    """R17: more soft skills than the threshold for a low-level job, counted in the profile section."""
    cfg = config().overload
    profile = [s for s in vac.sections if s.label == "profile"]
    if not profile:
        return None
    words = {m.group(0)[:8] for s in profile for m in config().compiled["soft"].finditer(vac.text[s.start:s.end].lower())}
    if len(words) <= cfg.soft_skills_max or not norm.known or norm.vks > cfg.soft_skills_max_vks:
        return None
    s = profile[0]
    end = vac.text.find("\n", s.start)
    end = s.end if end < 0 else min(end, s.end)
    return Candidate(kind="requirement_overload", rule="R17", start=s.start, end=end, text=vac.text[s.start:end],
                     requirement=None, fires=True, strong=False, values={"count": len(words)},
                     features={"soft_skills": len(words)})


def _higher_language_routes(requirements: list[Requirement]) -> set[int]:
    """Language routes above the lowest route of their group ("ofwel een Nederlandstalig diploma, ofwel een
    taalattest op C1"): one route suffices, so only the lowest is the demand."""
    lowest: dict = {}
    for r in requirements:
        if r.kind == "language" and r.route_group:
            step = STEP.get(r.cefr, 0)
            lowest[r.route_group] = min(lowest.get(r.route_group, step), step)
    return {i for i, r in enumerate(requirements) if r.kind == "language" and r.route_group
            and STEP.get(r.cefr, 0) > lowest[r.route_group]}


def propose(requirements: list[Requirement], norm: Norm, vac: Vacancy) -> list[Candidate]:
    """All candidates of one vacancy, in requirement order."""
    level_of_span: dict = {}
    for r in requirements:
        if r.kind == "education" and r.vks is not None:
            key = (r.start, r.end)
            level_of_span[key] = min(level_of_span.get(key, 99), r.vks)
    education_reqs = [r for r in requirements if r.kind == "education" and r.vks is not None and r.vks >= 2]
    lowest = min((r.vks for r in education_reqs if r.required), default=None)
    softened = frozenset(r.vks for r in education_reqs if not r.required and r.section != "vdab_fields")
    out = []
    conds = legal.conditions_for(None if norm.uncertain else norm.occupation, vac.title)
    for name in norm.plausible:  # what the law sets for any plausible occupation is never flagged
        conds += legal.conditions_for(name)
    # One route suffices (annotation.md): a requirement with an optional route ("of je haalt het bij ons") is no
    # knock-out, so none of its routes is measured as a required demand.
    open_routes = {r.route_group for r in requirements if r.route_group and not r.required}
    higher = _higher_language_routes(requirements)
    for i, r in enumerate(requirements):
        if r.legal_basis or (conds and legal.legal_basis(r, conds)):
            continue  # the law sets this demand for the job: never excessive, never discrimination
        if r.required and (r.route_group in open_routes or i in higher):
            r = replace(r, required=False)
        for rule in (language, experience, certificate, criterion):
            c = rule(i, r, norm, vac)
            if c is not None:
                out.append(c)
        c = education(i, r, norm, level_of_span, lowest, softened)
        if c is not None:
            out.append(c)
    c = soft_skills(vac, norm)
    if c is not None:
        out.append(c)
    return _either_language(out, requirements, norm, vac)


_EITHER = re.compile(r"\b(?:of|en/of|or)\b", re.IGNORECASE)


def _either_language(out: list[Candidate], requirements: list[Requirement], norm: Norm,
                     vac: Vacancy) -> list[Candidate]:
    """Languages offered as alternatives in one demand ("goed Nederlands of Frans"): one suffices, so a level is
    excessive only when it is for each of them."""
    fired = {c.requirement for c in out if c.kind == "language_too_high" and c.fires}
    keep = set(fired)
    for i in fired:
        r = requirements[i]
        if not (r.raw and _EITHER.search(r.raw)):
            continue
        others = [j for j, o in enumerate(requirements) if j != i and o.kind == "language"
                  and (o.start, o.end) == (r.start, r.end) and o.language != r.language]
        if any(j not in fired for j in others):
            keep.discard(i)
    return [replace(c, fires=False) if c.kind == "language_too_high" and c.fires and c.requirement not in keep
            else c for c in out]
