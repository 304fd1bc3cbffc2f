"""Who did it to whom: the agent and the target of a trigger, read from its clause.

The agent stands before the trigger (the clause's subject, past appositions, parentheses and
coordinated actors, or the modifier of an event noun: "Russian airstrikes") or after it
("by ISIS", "fell to ISIS", "the siege that rebels had maintained"); a clause without one
shares its sentence's subject or points back ("the militants", "the fall of X"). The target
follows "against", "targeting", stands in "X's positions", or holds an "X-held" place.
"""

from __future__ import annotations

import re

from kg.extract.lexicon import TriggerHit
from kg.extract.view import Discourse, SentenceView
from kg.model import Event, Mention

CIVILIANS = "actor/civilians"
OBJECT_PREPOSITIONS = {"against", "on", "by", "with", "near", "of", "targeting", "targeted",
                       "at", "to", "from", "and", "in", "between", "into", "toward", "towards"}  # fmt: skip
PARTICIPLE_CLAUSE = re.compile(
    r"^[\s,]*(?:(?:before|after|while|by|when|thereby)\s+)?(?:\w+ly\s+)?"
    r"(?!(?:following|including|during|according|regarding|concerning|surrounding|excluding|"
    r"pending|notwithstanding|bring|something|nothing)\b)\w+ing\b",
    re.I,
)
ACTOR_ANAPHOR = re.compile(
    r"(?:^|[,;]\s+(?:and\s+|but\s+|while\s+)?)(?:militants|jihadists|insurgents|extremists)\s+"
    r"(?:\w+ly\s+)?$|"  # "..., and militants reportedly shelled the dam": the group just named
    r"\b(?:the|these|its|their)\s+(?:[\w-]+\s+)?(?:militants|group|jihadists|insurgents|"
    r"attackers|assailants|gunmen|bombers?|organization|extremists|fighters)\s+"
    r"(?:had\s+|has\s+|have\s+)?(?:\w+ly\s+)?$",
    re.I,
)
OWN_CLAIM = re.compile(
    r"^(?:,\s+(?:via|through)\s+[^,]{1,40},)?\s+(?:\w+\s+){0,3}?(?:to\b|responsibility\b|credit\b|an?\s|the\s+\w+\s*$|"
    r"(?:that\s+)?(?:they|it|its|their)\b)",
    re.I,
)
MEMBER_OF = re.compile(
    r"\b(?:party|parties|units?|elements?|columns?|fighters|forces|members|detachments?|"
    r"battalions?|brigades?|contingents?|ministers|officials|leaders|representatives|delegations?|"
    r"commanders?|troops|soldiers|militants|militiamen|formations?|groups?|waves?|batch|"
    r"convoys?|squadrons?|flights?|coalition|alliance|dozens|hundreds|thousands|scores)\s+"
    r"(?:of|from)\s+(?:the\s+)?$",
    re.I,
)
NOUN_BY = re.compile(
    r"^\s+(?:(?:carried out|conducted|launched|claimed|led|mounted|staged|by)\s+)?by\s+(?:the\s+)?$",
    re.I,
)
ATTRIBUTED_TO = re.compile(r"\battribut\w+\s+(?:the\s+\w+|it|them)\s+to\s+(?:the\s+)?$", re.I)
SUBJECTLESS = re.compile(
    r"^[\s,;]*(?:and|but|then)\s+(?:then\s+)?(?:\w+ly\s+)?(?:(?:a|an|the)\s+(?:second|third|"
    r"another|other|further)\s+\w+\s+)?$",
    re.I,
)
REPORTING_VERB = re.compile(
    r"^(?:'s)?(?:\s+[\w.'()-]+){0,6}?\s+(?:reported|said|says|claimed|claims|stated|announced|accused|"
    r"confirmed|denied|alleged|warned|estimated|documented|published|told|declared|insisted|"
    r"asserted|noted|added)\b",
    re.I,
)
EVENT_NP_BEFORE = re.compile(
    r"\bthat\s+(?:the|these|those|this)\s+(?:\w+\s+)?(?:air\s*strikes?|strikes|attacks?|"
    r"bombings?|gains|advances?|offensives?|assaults?|raids?|shelling|clashes|fighting|"
    r"operations?|bombardment|explosions?|blasts?)\s+$",
    re.I,
)
INCLUDED = re.compile(
    r"^[\s,]*(?:including|such as|among them|notably|especially)\b[^,;]*,\s*(?:[\w-]+\s+){0,4}$",
    re.I,
)
SHARED_NOUN_CLASSES = ("GroundOffensive", "Clash")  # a siege is the other side's
PARENTHESIS = re.compile(
    r",\s+(?:including|such as|supported by|backed by|aided by|assisted by|alongside|along with|"
    r"together with|an?\s+(?:[\w-]+\s+){0,3}?(?:coalition|alliance|umbrella|group|faction|"
    r"grouping|offshoot|affiliate)\b)",
    re.I,
)
SUBORDINATE_NOUN = re.compile(r"^[\s,]*(?:after|following|amid|amidst)\s+(?:[\w-]+\s+){0,5}$", re.I)
PAST_VERB = re.compile(
    r"^(?:\w+ed|broke|hit|struck|took|retook|held|led|won|fought|beat|cut|shot|overran|lost)$",
    re.I,
)
RELATIVE_OBJECT = re.compile(r"^\s+(?:that|which)\s+(?:the\s+)?$", re.I)
RELATIVE_VERB = re.compile(
    r"^(?:\s+and\s+(?:its|their)\s+(?:allies|partners))?\s+(?:had\s+|has\s+|have\s+)?"
    r"(?:\w+ly\s+)?(?:\w+ed|began|led|laid|held|fought|imposed|broke|mounted)\b",
    re.I,
)
TELLS = re.compile(
    r"(?:\s+[\w.'-]+){0,2}?\s+(?:said|says|reported|reports|stated|announced|told|added)\b", re.I
)
WHICH_ASIDE = re.compile(r"^[\s,]*(?:which|who)\b[^,;]*,\s*(?:\w+ly\s+)?$", re.I)
AND_VERB = re.compile(r"\band\s+(?:then\s+)?(?:\w+ly\s+)?$", re.I)
CONJUNCTION = re.compile(r"\band\b|\bas well as\b|/", re.I)
PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|are)\s+(?:now\s+|also\s+|still\s+|\w+ly\s+)?$", re.I
)
FALL_OF = re.compile(r"^\s*the\s+(?:fall|loss|capture|seizure|recapture)\s+of\s+", re.I)
COORDINATION = re.compile(
    r"^(?:\s+(?:units|forces|fighters|troops|militias?|police))?\)?(?:\s*\([A-Z]{2,6}\))?\s*"
    r"(?:,|,?\s*and|,?\s*as well as|/)\s*(?:its\s+|their\s+)?"
    r"(?:the\s+)?(?:several\s+|other\s+|some\s+|various\s+)?(?:[\w-]+\s+)?(?:allied\s+|partner\s+)?"
    r"(?:[\w.]+-(?:backed|supported|sponsored|affiliated|linked|aligned)\s+)?$",
    re.I,
)
APPOSED = re.compile(
    r"(?:\(\s*|\b(?:including|such as|among them|notably|particularly|especially)\s+"
    r"(?:[\w'-]+\s+){0,3})$",
    re.I,
)
ALLY = re.compile(
    r"\b(?:support of|supported by|backed by|alongside|together with|allied with|"
    r"in coordination with|aided by|assisted by)\s+(?:the\s+)?(?:[\w'-]+\s+){0,2}?(?:of\s+(?:the\s+)?)?$",
    re.I,
)


def agent_of(
    view: SentenceView,
    hit: TriggerHit,
    a: int,
    window: tuple[int, int],
    antecedent: Event | None,
    event_class: str,
    memory: Discourse,
    so_far: list[Event],
) -> str | None:
    text = view.clean
    passive = bool(PASSIVE.search(text[a : hit.start]))
    if hit.trigger.agent_after or passive:
        by = _actor_after(view, r"\b(?:by|to)\s+(?:the\s+)?$", window)
        if by or hit.trigger.agent_after:
            return by
    modifier = _modifier(view, hit, a)
    if modifier is not None:
        return modifier  # "with support from U.S.-led coalition airstrikes"
    if hit.trigger.kind == "noun" or re.match(r"\s+by\s", text[hit.end : hit.end + 5]):
        by = agent_after_noun(view, hit, window)  # "parallel advances by pro-regime forces"
        if by:
            return by  # "an advance by ISIS", "attributed the strike to Russian warplanes"
    if hit.text.lower().endswith(" of") and event_class in ("Deployment", "Withdrawal"):
        arriving = view.actors(*window)  # "the arrival of IRGC fighters"
        if arriving:
            return arriving[0].key
    if event_class == "Clash":
        between = re.search(r"\bbetween\s+", text[hit.end : window[1]], re.I)
        if between:
            actors = view.actors(hit.end + between.end(), window[1])
            if actors:
                return actors[0].key
    shared = [e.agent for e in so_far if e.sentence is view.sentence and e.agent]
    if shared and hit.trigger.kind in ("verb", "support") and AND_VERB.search(text[a : hit.start]):
        return shared[0]  # "CTS units shelled ISIS positions ... and pushed west": the CTS
    subject = subject_of(view, hit, a)
    if INCLUDED.match(text[a : hit.start]) or (
        WHICH_ASIDE.match(text[a : hit.start]) and not _nearby_subject(view, hit, a)
    ):
        # "X, including A and B, seized", "Turkey, which opposes a PMF role, deployed": X
        subject = subject_of(view, hit, 0, stop=a) or subject
    if subject:
        return subject
    if event_class in SHARED_NOUN_CLASSES and SUBORDINATE_NOUN.match(text[a : hit.start]):
        sentence_agents = [e.agent for e in so_far if e.sentence is view.sentence and e.agent]
        if sentence_agents:
            return sentence_agents[0]  # "seized X after a three-week offensive": X's seizer's
    if ACTOR_ANAPHOR.search(text[a : hit.start]):
        named = [m.key for m in view.actors(0, hit.start) if m.key != CIVILIANS]
        if named:
            return named[-1]  # "ISIS media claimed that the group had seized the airbase"
        return _last_actor(memory, so_far)  # "The militants detonated nine SVBIEDs"
    fallen = fallen_seizure(view, a, hit, memory)
    if fallen is not None or FALL_OF.match(text[a : hit.start]):
        return fallen.agent if fallen else None  # "The fall of X cuts the road": X's seizer
    head_unsure = antecedent is None or antecedent.agent is None or antecedent.type == "Siege"
    if a > 0 and head_unsure and PARTICIPLE_CLAUSE.match(text[a : hit.end]):
        main_subject = subject_of(view, hit, 0, stop=a)
        if main_subject:
            return main_subject  # ", severing the GLOC": who the main clause says acted
    if antecedent is not None and (
        definite_subject(text, a, hit)
        or (event_class == "CivilianCasualties" and antecedent.sentence is view.sentence)
    ):
        return antecedent.agent
    if (
        a > 0
        and (  # "..., and subsequently attacked X", "after seizing X": the sentence's subject
            SUBJECTLESS.match(text[a : hit.start]) or PARTICIPLE_CLAUSE.match(text[a : hit.end])
        )
    ):
        sentence_agents = [e.agent for e in so_far if e.sentence is view.sentence and e.agent]
        shared = sentence_agents[0] if sentence_agents else subject_of(view, hit, 0, stop=a)
        if shared:
            return shared
    if event_class == "Airstrike":
        prior = [e.agent for e in [*memory.events, *so_far] if e.type == "Airstrike" and e.agent]
        return prior[-1] if prior else memory.air_agent
    return None


def _is_source(text: str, mention: Mention, hit: TriggerHit) -> bool:
    """ "MSF reported that airstrikes hit ..." names a source; "ISIS claimed a suicide bombing",
    "Iraqi forces claimed to have recaptured X", "X claimed that they had taken Y" name the
    actor itself."""
    m = REPORTING_VERB.match(text[mention.end : hit.start])
    if not m:
        return False
    rest = text[mention.end + m.end() : hit.start]
    return not OWN_CLAIM.match(rest)


def fallen_seizure(view: SentenceView, a: int, hit: TriggerHit, memory: Discourse) -> Event | None:
    """ "The fall of X cuts ...": the report's last seizure of X."""
    fallen = FALL_OF.match(view.clean[a : hit.start])
    if fallen is None:
        return None
    at = a + fallen.end()
    place = next((p.key for p in view.places(at, hit.start) if p.start - at < 3), None)
    taken = [e for e in memory.events if e.type == "Seizure" and e.location == place]
    return taken[-1] if taken else None


def _last_actor(memory: Discourse, so_far: list[Event]) -> str | None:
    """The actor a report last told of acting (not civilians)."""
    for event in reversed([*memory.events, *so_far]):
        if event.agent and event.agent != "actor/civilians":
            return event.agent
    return None


def subject_of(view: SentenceView, hit: TriggerHit, a: int, stop: int | None = None) -> str | None:
    """The nearest actor before the trigger that is not the object of a preposition, nor the
    source of a report ("MSF reported that ...")."""
    text = view.clean
    for mention in reversed(view.actors(a, hit.start if stop is None else stop)):
        if mention.role in ("held", "anti", "backer") or _is_source(text, mention, hit):
            continue
        if mention.key == CIVILIANS:
            continue  # civilians suffer events in this register; they do not wage them
        if APPOSED.search(text[a : mention.start]) or ALLY.search(text[a : mention.start]):
            continue  # "(PKK)", "including Hezbollah", "backed by Russian airstrikes"
        if _in_parenthesis(view, a, mention):
            continue  # "The SAA's 15th Brigade, supported by the NDF and Hezbollah, opened"
        words = text[a : mention.start].split()
        while words and words[0].lower().strip(",;\"'") in ("", "and", "but", "then", "while"):
            words = words[1:]  # the clause's own conjunction: ", and the coalition conducted"
        if words in ([], ["the"], ["The"]):
            return _subject_head(view, mention, a).key
        prev = words[-1].lower().strip(",") if words else ""
        prev2 = words[-2].lower() if len(words) > 1 else ""
        member_of = MEMBER_OF.search(text[a : mention.start])  # "An advance party of the SAA"
        if not member_of and (
            prev in OBJECT_PREPOSITIONS or (prev == "the" and prev2 in OBJECT_PREPOSITIONS)
        ):
            continue
        if (
            prev in ("the", "a", "an")
            and PAST_VERB.match(prev2)
            and not _modifies(text, mention, hit)
        ):
            continue  # "broke the rebel siege, severing ...": an object, not the subject
        return _subject_head(view, mention, a).key
    return None


def _in_parenthesis(view: SentenceView, a: int, mention: Mention) -> bool:
    """Whether the actor stands in a phrase set off after the subject by a comma."""
    cues = list(PARENTHESIS.finditer(view.clean, a, mention.start))
    return bool(cues) and bool(view.actors(a, cues[-1].start()))


def _nearby_subject(view: SentenceView, hit: TriggerHit, a: int) -> bool:
    """An actor right before the trigger, after the aside's closing comma."""
    comma = view.clean.rfind(",", a + 1, hit.start)
    return bool(view.actors(comma, hit.start)) if comma > 0 else False


def _subject_head(view: SentenceView, mention: Mention, a: int) -> Mention:
    """The first of coordinated subjects, also where the list's ", and" began a new clause
    ("SAA units, Hezbollah, and IRGC-backed Afghan militias led the assault")."""
    head = _head_of_coordination(view, mention, a)
    if head is mention and a > 0:
        across = _head_of_coordination(view, mention, 0)
        if across is not mention and _starts_its_clause(view, across):
            return across
    return head


def _starts_its_clause(view: SentenceView, mention: Mention) -> bool:
    start = max((s for s, _ in view.clauses if s <= mention.start), default=0)
    return view.clean[start : mention.start].strip(" ,").lower() in ("", "the")


def _head_of_coordination(view: SentenceView, mention: Mention, a: int) -> Mention:
    """ "Joint ISF and PMF units": the first of coordinated actors leads."""
    actors = view.actors(a, mention.start)
    head = mention
    for prev in reversed(actors):
        if prev.role == "backer":
            continue  # "Hezbollah, and Iranian-backed Iraqi militias": part of the gap
        gap = view.clean[prev.end : head.start]
        if prev.role in ("held", "anti") or not COORDINATION.match(gap):
            break
        if head is mention and not CONJUNCTION.search(gap) and not _list_goes_on(view, mention):
            break  # "According to the SOHR, ISIS fighters withdrew": a list ends in "and"
        head = prev
    return head


def _list_goes_on(view: SentenceView, mention: Mention) -> bool:
    """ "the Tiger Forces, the Republican Guard, and Hezbollah": another actor follows."""
    following = [m for m in view.actors(mention.end, len(view.clean)) if m.key != mention.key]
    return bool(following) and bool(
        COORDINATION.match(view.clean[mention.end : following[0].start])
    )


def agent_after_noun(view: SentenceView, hit: TriggerHit, window: tuple[int, int]) -> str | None:
    """ "an advance by ISIS", "the siege that rebels had maintained"."""
    text = view.clean
    for mention in view.actors(*window):
        gap = text[hit.end : mention.start]
        if NOUN_BY.match(gap) or ATTRIBUTED_TO.search(text[: mention.start]):
            return mention.key
        if RELATIVE_OBJECT.match(gap) and RELATIVE_VERB.match(text[mention.end : window[1]]):
            return mention.key
        break
    return None


def _modifier(view: SentenceView, hit: TriggerHit, a: int) -> str | None:
    """The actor right in front of an event noun: "Russian airstrikes", "the rebel siege"."""
    actors = view.actors(a, hit.start)
    if hit.trigger.kind not in ("noun", "platform") or not actors:
        return None
    last = actors[-1]
    if last.role in ("held", "anti", "backer") or not _modifies(view.clean, last, hit):
        return None
    return last.key


def _modifies(text: str, mention: Mention, hit: TriggerHit) -> bool:
    """ "the rebel siege": the actor names whose event the trigger is."""
    return mention.end <= hit.start and not text[mention.end : hit.start].strip(" -")


def _actor_after(view: SentenceView, lead: str, window: tuple[int, int]) -> str | None:
    for mention in view.actors(*window):
        if re.search(lead, view.clean[max(window[0] - 20, 0) : mention.start], re.I):
            return mention.key
    return None


def target_of(
    view: SentenceView,
    hit: TriggerHit,
    a: int,
    window: tuple[int, int],
    agent: str | None,
    event_class: str,
    so_far: list[Event],
) -> str | None:
    text = view.clean
    if event_class in ("Negotiation", "Deployment", "Withdrawal"):
        return None
    lead = (
        r"\b(?:against|targeting|targeted|target|on|with|and|at|attacked|besieged|struck|hit|"
        r"shelled|bombed|ambushed|encircled)\s+(?:the\s+)?(?:positions\s+of\s+)?$"
    )
    for mention in view.actors(*window):
        if mention.key == agent or mention.role == "backer":
            continue
        if agent and _head_of_coordination(view, mention, 0).key == agent:
            continue  # "advances by pro-regime forces and the SDF": a second agent
        if TELLS.match(text, mention.end):
            continue  # "..., UN officials said": who tells of the event
        if mention.role == "demonym" and event_class != "Airstrike":
            continue
        if ALLY.search(text[max(0, mention.start - 30) : mention.start]):
            continue  # "strikes in support of regime forces": an ally, not a target
        if re.search(lead, text[max(window[0] - 12, 0) : mention.start], re.I):
            return mention.key
        if mention.role == "held" or re.match(
            r"'s\b|\s+(positions|forces|fighters)", text[mention.end :]
        ):
            return mention.key
    anti = [m for m in view.actors(a, hit.end) if m.role == "anti"]
    if anti:
        return anti[-1].key
    if event_class == "CivilianCasualties":
        return CIVILIANS
    # "Russia targeted ISIS-held terrain with strikes in X": the object of the verb before
    held_before = [m for m in view.actors(a, hit.start) if m.role == "held" and m.key != agent]
    if held_before:
        return held_before[0].key
    clause_end = next((b for s0, b in view.clauses if s0 <= hit.start < b), window[1])
    others = [
        m
        for m in view.actors(*window)
        if m.key != agent
        and m.role != "demonym"
        and not TELLS.match(text, m.end)
        and not (window[1] < clause_end and window[1] - m.end < 30)  # the next event's actor
    ]
    if others:
        return others[0].key
    return None


def definite_subject(text: str, a: int, hit: TriggerHit) -> bool:
    """The clause's subject is "the strikes", "these gains" (or it is a participle clause):
    an earlier event."""
    if a > 0 and PARTICIPLE_CLAUSE.match(text[a : hit.end]):
        return True
    if EVENT_NP_BEFORE.search(text[a : hit.start]):
        return True  # "Local sources reported that the strikes killed ..."
    subject = text[a : hit.start]
    return bool(re.match(r"[\s,]*(?:\w+\s+){0,2}?(the|these|those|this|such)\s+(?:\w+\s+)?\w+\s+$",
                         subject, re.I))  # fmt: skip
