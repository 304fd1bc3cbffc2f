"""Sentence -> mentions of places and actors.

1. Every name of the gazetteer, by one scan of the sentence's folded word stream.
2. Demonyms ("Russian", "Iranian") only in front of a force noun ("Russian warplanes").
3. Capitalised names in a place slot ("the town of X", "X Airbase", "north of X") or an actor
   slot ("X militants") that matched nothing: looked up fuzzily, else minted as unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick
from rapidfuzz import fuzz, process

from kg.extract.gazetteer import Alias, Gazetteer
from kg.model import Entity, EntityKind, Mention
from kg.normalize import ARTICLES, STANDALONE_ARTICLES, ascii_fold, fold_token, name_key

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
FUZZY_CUTOFF = 86
SHORT_NAME_CUTOFF = 95


class Token(NamedTuple):
    # A named tuple, not a dataclass: a report makes thousands and they are built in bulk.
    text: str
    start: int
    end: int
    key: str  # folded form; "" for an article that names drop


def tokenize(clean: str) -> list[Token]:
    tokens: list[Token] = []
    matches = list(_TOKEN.finditer(clean))
    last = len(matches) - 1
    for i, m in enumerate(matches):
        text, key, article, standalone = _word(m.group(0))
        start = m.start()
        end = start + len(text)
        if i < last and ((article and clean[end : end + 1] == "-") or standalone):
            key = ""  # an article that names drop: "al-" before a name, or a capitalised "Al"
        elif 0 < i < last and key in ("al", "el") and _between_names(matches, i):
            key = ""  # "Jisr al Shughour", "Jaish al Fatah": the article without its hyphen
        tokens.append(Token(text, start, end, key))
    return tokens


def _between_names(matches: list[re.Match[str]], i: int) -> bool:
    return matches[i - 1].group(0)[:1].isupper() and matches[i + 1].group(0)[:1].isupper()


@lru_cache(maxsize=1 << 16)
def _word(raw: str) -> tuple[str, str, bool, bool]:
    """A matched word (memoised: words repeat): its text without a possessive "'s", its
    folded key, whether it is an article when hyphened, and whether it is one standing alone."""
    text = raw[:-2] if raw.lower().endswith("'s") and len(raw) > 2 else raw
    word = ascii_fold(text).lower().replace("'", "")
    standalone = word in STANDALONE_ARTICLES and text[0].isupper()
    return text, fold_token(word), word in ARTICLES, standalone


def find_mentions(clean: str, gaz: Gazetteer, tokens: list[Token] | None = None) -> list[Mention]:
    """Gazetteer names and demonyms in a sentence, longest leftmost first, not overlapping."""
    tokens = tokens if tokens is not None else tokenize(clean)
    stream, owners = _stream(tokens)
    found: list[tuple[int, int, Alias]] = []
    for end_char, (key, aliases) in gaz.automaton.iter(stream):
        first, last = _token_span(stream, owners, end_char, key)
        start, end = tokens[first].start, tokens[last].end
        # _choose_alias reads 40 characters before the name and 3 after
        before, after = clean[max(0, start - 40) : start], clean[end : end + 3]
        alias = _choose_alias(aliases, clean[start:end], before, after)
        if alias is not None and _demonym_ok(alias, clean, end, gaz):
            found.append((first, last, alias))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    mentions: list[Mention] = []
    proxies: list[Mention] = []
    taken_until = -1
    for first, last, alias in found:
        if first <= taken_until or _is_not_name(tokens, first, last, clean, gaz):
            continue
        if alias.kind == "place" and _part_of_longer_name(clean, tokens, first, last, gaz, alias):
            continue
        if alias.kind == "place" and _names_a_site(clean, tokens[last].end, alias, gaz):
            continue  # "Tal Afar Airbase" is a site of its own, found in the slot pass
        if alias.text.islower() and (
            _head_noun_of_another(clean, tokens, first, mentions)
            or _common_noun(clean, tokens[first].start, tokens[last].end, alias, gaz)
        ):
            continue  # "the Jaysh al-Fatah coalition", "a coalition of rebel groups": not the US-led one
        taken_until = last
        if first > 0 and not tokens[first - 1].key:
            first -= 1  # the span keeps its article: "ar-Raqqa", "al-Qaim"
        start, end = tokens[first].start, tokens[last].end
        role = _role(clean, start, end)
        if alias.demonym and role == "name":
            role = "demonym"
        mentions.append(Mention(alias.entity, alias.kind, start, end, clean[start:end], role))
        if role == "backer":
            proxies.extend(_proxy(clean, end, alias.entity, gaz))
    named = [(m.start, m.end) for m in mentions]
    return mentions + [p for p in proxies if not any(a < p.end and p.start < b for a, b in named)]


_BACKED_FORCE = re.compile(
    r"^-(?:backed|supported|sponsored)\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?:fighters|forces|groups|factions|militias|militants|units|proxies|brigades)\b"
)


def _proxy(clean: str, end: int, backer: str, gaz: Gazetteer) -> list[Mention]:
    """ "Turkish-backed fighters": the forces the backer stands behind in this register."""
    proxies: dict[str, str] = gaz.words.get("proxies", {})  # type: ignore[assignment]
    m = _BACKED_FORCE.match(clean[end : end + 60])
    if m is None or backer not in proxies:
        return []
    start = end + m.start() + len(m.group(0)) - len(m.group(0).split()[-1])
    span_end = end + m.end()
    return [Mention(proxies[backer], "actor", start, span_end, clean[start:span_end])]


_GLUED_NAME_AFTER = re.compile(r"^[ -](?:(?:al|ar|as|ad|ash|az|an|at|el)-)?[A-Z][a-z]")
_NAME_HEADS = ("Hay", "Hayy", "Kafr", "Tal", "Tell", "Deir", "Ain", "Ras", "Bir", "Jabal", "Khirbet",
               "Beit", "Bab", "Abu", "Albu", "Umm", "Sheikh", "Qasr", "Wadi", "Jisr", "Maarat",
               "Arab")  # fmt: skip
_GLUED_NAME_BEFORE = re.compile(rf"(?<![.!?:;] )(?<!^)\b(?:{'|'.join(_NAME_HEADS)})\s+$")
_LONGEST_HEAD = max(map(len, _NAME_HEADS))
_LONG_NAME_EXEMPT = ("country", "province", "city")
_NEXT_WORD = re.compile(r"[ -](?:\w+-)?(\w+)")
_NAME_WITH_ARTICLE_BEFORE = re.compile(
    r"(?<![.!?:;] )\b([A-Z][\w']+)\s+(?:al|ar|as|ad|ash|az|an|at|el)-$"
)


def _part_of_longer_name(
    clean: str, tokens: list[Token], first: int, last: int, gaz: Gazetteer, alias: Alias
) -> bool:
    """ "Hay al-Amil" is not al-Hayy and "Kuweires al-Sharqi" not Kuweires: a small place whose
    name runs on into more capitalised words is part of a longer, unknown name."""
    before = clean[: tokens[first].start]
    # "Ameriyat al-Fallujah" is not Fallujah. The search, anchored at the end, would try
    # every offset of ``before``: first the cheap test that it ends as it must, in "-".
    lead = None
    if before.endswith(("-", "-\n")):
        lead = _NAME_WITH_ARTICLE_BEFORE.search(before)
    if lead and lead.group(1) not in _not_names(gaz):
        return True
    entity = gaz.entities.get(alias.entity)
    if entity is None or entity.place_type in _LONG_NAME_EXEMPT:
        return False
    after = clean[tokens[last].end :]
    m = _GLUED_NAME_AFTER.match(after)
    if m:
        nxt = _NEXT_WORD.match(after)
        word = nxt.group(1) if nxt else ""
        suffixes = gaz.compiled(
            "site_suffix_heads", lambda: {w.split()[0] for w in gaz.word_list("site_suffixes")}
        )
        if word not in _not_names(gaz) and word not in suffixes:
            return True
    # A head word ends where the trailing spaces begin: no match starts further back.
    tail = max(0, len(before.rstrip()) - _LONGEST_HEAD)
    return bool(_GLUED_NAME_BEFORE.search(before, tail))


def _stream(tokens: list[Token]) -> tuple[str, list[int]]:
    """ " k1 k2 k3 " and, per character, the index of the token it came from."""
    parts = [" "]
    owners = [-1]
    for i, token in enumerate(tokens):
        if not token.key:
            continue
        parts.append(token.key + " ")
        owners.extend([i] * (len(token.key) + 1))
    return "".join(parts), owners


def _token_span(stream: str, owners: list[int], end_char: int, key: str) -> tuple[int, int]:
    start_char = end_char - len(key) - 1
    first = owners[start_char + 1]
    last = owners[end_char - 1]
    return first, last


_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|into|to|from|across|near|toward|towards|inside|within|through|at|of|"
    r"(?:border|crossing|frontier)\s+(?:\w+\s+)?with)\s+(?:the\s+)?$",
    re.I,
)


def _head_noun_of_another(
    clean: str, tokens: list[Token], first: int, mentions: list[Mention]
) -> bool:
    """A generic lower-case name ("coalition") modified by a name or an adjective."""
    if mentions and not clean[mentions[-1].end : tokens[first].start].strip():
        return True
    if first == 0:
        return False
    prev = tokens[first - 1]
    if clean[prev.end : tokens[first].start].strip(" -"):
        return False  # "Key Takeaway: pro-regime forces": punctuation between, no modifier
    starts_sentence = not clean[: prev.start].strip()
    capitalised = prev.text[:1].isupper() and not starts_sentence and prev.text not in ("The", "A")
    return capitalised or prev.text.lower() in GENERIC_MODIFIERS


_INDEFINITE_BEFORE = re.compile(r"\b(?:an?|one|another)\s+(?:[a-z][\w-]*\s+){0,2}$", re.I)
_COMMON_NOUN_AFTER = re.compile(r"^\s+(?:of|led by|formed by|made up of)\b")


def _common_noun(clean: str, start: int, end: int, alias: Alias, gaz: Gazetteer) -> bool:
    """A name that is also a common noun, used as one: "a broad coalition", "a coalition of"."""
    if alias.text not in gaz.word_list("common_nouns"):
        return False
    return bool(
        _INDEFINITE_BEFORE.search(clean[max(0, start - 40) : start])
        or _COMMON_NOUN_AFTER.match(clean[end : end + 20])
    )


GENERIC_MODIFIERS = frozenset(
    [
        "rebel",
        "opposition",
        "islamist",
        "jihadist",
        "salafist",
        "salafi",
        "umbrella",
        "armed",
        "militant",
        "insurgent",
        "kurdish",
        "arab",
        "tribal",
        "sunni",
        "shia",
        "shiite",
        "new",
        "broader",
        "wider",
        "military",
    ]
)


def _choose_alias(aliases: list[Alias], surface: str, before: str, after: str = "") -> Alias | None:
    """Turkey the state acts; Turkey the country is where things happen: "into Turkey"."""
    accepted = [a for a in aliases if a.accepts(surface)]
    if not accepted:
        return None
    kinds = {a.kind for a in accepted}
    if len(kinds) == 2:
        locative = _LOCATIVE_BEFORE.search(before[-40:]) and not after.startswith("'s")
        wanted = "place" if locative else "actor"
        return next(a for a in accepted if a.kind == wanted)
    return accepted[0]


def _demonym_ok(alias: Alias, clean: str, end: int, gaz: Gazetteer) -> bool:
    """A demonym names its actor only before a force noun: "Turkish F-16s", "Russian
    airstrikes", "Iranian proxy forces" (up to three words apart)."""
    if not alias.demonym:
        return True
    following = _WORDS.findall(clean[end : end + 60])[:4]
    force_nouns = gaz.compiled(
        "force_nouns", lambda: {n.lower() for n in gaz.word_list("force_nouns")}
    )
    return any(w.lower() in force_nouns or AIRCRAFT_MODEL.fullmatch(w) for w in following)


_WORDS = re.compile(r"[\w'-]+")
AIRCRAFT_MODEL = re.compile(r"(?:F|Su|MiG|Tu|Mi|Ka|B|A|AH|UH)-\d+\w*")


def _is_not_name(tokens: list[Token], first: int, last: int, clean: str, gaz: Gazetteer) -> bool:
    return clean[tokens[first].start : tokens[last].end] in _not_names(gaz)


def _not_names(gaz: Gazetteer) -> set[str]:
    return gaz.compiled("not_names", lambda: set(gaz.word_list("not_names")))


_CONTROL_SUFFIX = re.compile(r"-(held|controlled|occupied|dominated)\b")


def _role(clean: str, start: int, end: int) -> str:
    """How the name is used: "ISIS-held" (a controller), "anti-ISIS" (a target), or a name."""
    if _CONTROL_SUFFIX.match(clean[end : end + 12].lower()):
        return "held"
    if clean[max(0, start - 5) : start].lower() == "anti-":
        return "anti"
    if re.match(
        r"\.?-(backed|supported|sponsored|affiliated|linked|aligned)\b",
        clean[end : end + 12].lower(),
    ):
        return "backer"  # "Turkish-backed fighters": not Turkey's own forces
    return "name"


# --- names in slots -----------------------------------------------------------------------

_NAME = r"(?:(?:al|ar|as|ad|ash|az|an|at|el|ad-Dir)-)?[A-Z][\w']*(?:[ -](?:(?:al|ar|as|ad|ash|az|an|at|el|bin|ibn|abu|Abu|Bin|Ibn)-?)?[A-Z][\w']*){0,3}"


def slot_mentions(
    clean: str, gaz: Gazetteer, taken: list[Mention], minted: dict[str, Entity]
) -> list[Mention]:
    """Names in place or actor slots that the gazetteer pass missed.

    A name close to a known one (rapidfuzz) resolves to it; a name in a strong slot that
    resolves to nothing becomes a new, unresolved entity, shared across the corpus by key.
    """
    out: list[Mention] = []
    candidates = [*_slot_candidates(clean, gaz), *_coordinated_with_places(clean, taken)]
    for kind, start, end, strong, suffix in candidates:
        if any(m.start < end and start < m.end for m in [*taken, *out]):
            continue
        name = clean[start:end].strip(" -")
        if not name or _is_month(name) or name.split()[0] in _not_names(gaz):
            continue
        if kind == "place" and (
            _is_actor_name(name, gaz) or _is_adjective(name, gaz) or _names_a_group(clean, end, gaz)
        ):
            continue
        key = _resolve_slot(name, suffix, kind, gaz)
        if key is None and strong:
            entity = _mint(f"{name} {suffix}".strip() if suffix else name, kind, gaz, minted)
            key = entity.key
        if key is not None:
            stop = end + (len(suffix) + 1 if suffix else 0)
            role = _role(clean, start, stop)
            out.append(Mention(key, kind, start, stop, clean[start:stop], role))
    return out


def _coordinated_with_places(clean: str, taken: list[Mention]):
    """ "from Rutba and Kubaisa": a name coordinated with a known place is a place too."""
    for mention in taken:
        if mention.kind != "place":
            continue
        m = _COORDINATED_NAME.match(clean, mention.end)
        if m:
            yield "place", m.start(1), m.end(1), True, ""


def _slot_candidates(clean: str, gaz: Gazetteer):
    site_suffix = gaz.compiled("site_suffix", lambda: _site_suffix_pattern(gaz))
    slots = gaz.compiled("slots", lambda: _SlotPatterns(_slot_patterns(gaz)))
    for slot in slots.worth_scanning(clean):
        for m in slot.pattern.finditer(clean):
            suffix = ""
            if slot.wants_suffix:
                sm = site_suffix.match(clean, m.end(1))
                suffix = sm.group(1) if sm else ""
            for start, end in _list_items(clean, m.start(1), m.end(1)):
                yield slot.kind, start, end, slot.strong, suffix


def _site_suffix_pattern(gaz: Gazetteer) -> re.Pattern[str]:
    sites = "|".join(sorted(map(re.escape, gaz.word_list("site_suffixes")), key=len, reverse=True))
    return re.compile(rf"\s*({sites})")


@dataclass(frozen=True)
class _Slot:
    kind: EntityKind
    pattern: re.Pattern[str]
    strong: bool
    wants_suffix: bool
    # Strings one of which every match contains: a sentence with none of them is not
    # scanned (each scan tries the pattern at every offset). None: always scanned.
    needles: tuple[str, ...] | None


def _slot_patterns(gaz: Gazetteer) -> list[_Slot]:
    """The slot patterns of names.toml, compiled once per gazetteer."""
    words = gaz.word_list
    slot = "|".join(sorted(map(re.escape, words("place_slot_nouns")), key=len, reverse=True))
    direction = "|".join(words("directions"))
    preps = "|".join(words("place_prepositions"))
    sites = "|".join(sorted(map(re.escape, words("site_suffixes")), key=len, reverse=True))
    actor_nouns = "|".join(words("actor_slot_nouns"))
    minting = "|".join(words("minting_prepositions"))
    titles = "|".join(re.escape(t) for t in sorted(words("person_titles"), key=len, reverse=True))
    slot_nouns, site_words = words("place_slot_nouns"), words("site_suffixes")
    return [
        _Slot("place", re.compile(rf"\b(?:{slot}) of ({_NAME}(?:{_AND}{_NAME})*)"), True, False,
              _needles(slot_nouns, after=" of ", escaped=True)),
        _Slot("place", re.compile(rf"\bthe ({_NAME}(?:{_AND}{_NAME})*) (?=(?:{slot})\b)"), True,
              False, _needles(slot_nouns, before=" ", escaped=True)),
        _Slot("place", re.compile(rf"\b(?:{direction}) of ({_NAME})"), True, False,
              _needles(words("directions"), after=" of ")),
        _Slot("place", re.compile(rf"({_NAME}(?: \d{{1,3}})?) (?=(?:{sites})\b)"), True, True,
              _needles(site_words, before=" ", escaped=True)),  # also "Brigade 82 base"
        _Slot("place", re.compile(rf"\b(?:{minting}) (?:the |a |an )?({_NAME}(?:{_AND}{_NAME})*)"),
              True, False, None),
        _Slot("place", re.compile(rf"\b(?:{preps}) (?:the )?({_NAME})"), False, False, None),
        _Slot("place", re.compile(rf"{_STRUCK} (?:the )?(?:[\w-]+-held )?({_NAME}(?:{_AND}{_NAME})*)"),
              True, False, ("trike", "aid", "ttack", "ssault", "helling", "ombardment", "ombing",
                            "arrel bomb")),
        _Slot("actor", re.compile(rf"\b({_NAME} (?:{actor_nouns}))\b"), True, False,
              _needles(words("actor_slot_nouns"), before=" ")),
        _Slot("actor", re.compile(rf"\b(?:{titles}) ({_PERSON})\b"), True, False,
              _needles(words("person_titles"), after=" ", escaped=True)),
        _Slot("actor", re.compile(rf"(?<!'s )\b({_UNIT})\b"), True, False,
              (" Division", " Brigade", " Regiment", " Battalion", " Corps")),
        _Slot("actor", re.compile(rf"\b({_NAME}) \((?=[A-Z]{{2,6}}\))"), True, False, (" (",)),
    ]  # fmt: skip


class _SlotPatterns:
    """The slot patterns, and one Aho-Corasick automaton over their needles, which tells in
    one pass which patterns a sentence could match."""

    def __init__(self, slots: list[_Slot]) -> None:
        self.slots = slots
        self.finder = ahocorasick.Automaton()
        for i, slot in enumerate(slots):
            for needle in slot.needles or ():
                self.finder.add_word(needle, self.finder.get(needle, frozenset()) | {i})
        self.finder.make_automaton()
        self.always = frozenset(i for i, slot in enumerate(slots) if slot.needles is None)

    def worth_scanning(self, clean: str) -> list[_Slot]:
        """The patterns that may match ``clean``, in their order."""
        wanted = set(self.always)
        if len(self.finder):
            for _, ids in self.finder.iter(clean):
                wanted |= ids
        return [slot for i, slot in enumerate(self.slots) if i in wanted]


_REGEX_SYNTAX = frozenset(".^$*+?{}[]\\|()")


def _needles(
    words: list[str], before: str = "", after: str = "", escaped: bool = False
) -> tuple[str, ...] | None:
    """``before + word + after`` for each word: what a match of the alternation of ``words``
    between them contains. None (no filter) for an empty list, whose alternation matches
    anything, or one put into the pattern unescaped that holds regex syntax."""
    if not words or (not escaped and any(_REGEX_SYNTAX.intersection(w) for w in words)):
        return None
    return tuple(f"{before}{w}{after}" for w in words)


# "airstrikes on Jeb el-Kussa and al-Amarneh": what strikes fall on is a place.
_STRUCK = (
    r"\b(?:(?:[Aa]ir ?strikes?|[Ss]trikes|[Rr]aids?|[Aa]ttacks?|[Aa]ssaults?|[Bb]ombing|"
    r"[Bb]arrel bombs?) (?:on|against)|(?:[Ss]helling|[Bb]ombardment) (?:of|on))"
)
# A numbered formation: "the 9th Division", "the 16th Armored Division", "the 92nd Brigade"
# (not "the Syrian Arab Army's 15th Brigade": there the army is named).
_UNIT = (
    r"\d{1,3}(?:st|nd|rd|th)\s+(?:(?:Armou?red|Infantry|Mechani[sz]ed|Special Forces|Airborne|"
    r"Commando|Iraqi Army|Army)\s+)?(?:Division|Brigade|Regiment|Battalion|Corps)"
)
# Two to four capitalised words, with name particles: "Ahmet Davutoglu", "Staffan de Mistura".
_PERSON = r"[A-Z][a-z][\w'-]*(?:\s+(?:(?:al|bin|ibn|abu|de|van|von|el)[- ])?[A-Z][\w'-]*){1,3}"
_NEARBY = r"(?:(?:nearby|adjacent|neighbou?ring)\s+)?"  # "X and the nearby Y": Y is the name
_AND = rf"(?:,\s*|,?\s+and\s+|,?\s+or\s+)(?:the\s+)?{_NEARBY}"
_COORDINATED_NAME = re.compile(rf"(?:,\s*|,?\s+and\s+|,?\s+or\s+)(?:the\s+)?({_NAME})")
_ITEM_SEPARATOR = re.compile(
    rf",\s*(?:and\s+|or\s+)?(?:the\s+)?{_NEARBY}|\s+(?:and|or)\s+(?:the\s+)?{_NEARBY}"
)


def _list_items(clean: str, start: int, end: int) -> list[tuple[int, int]]:
    """ "Kudila, Karmardi and Khurburdan" -> the span of each name."""
    items = []
    at = start
    for sep in _ITEM_SEPARATOR.finditer(clean, start, end):
        items.append((at, sep.start()))
        at = sep.end()
    items.append((at, end))
    return [(a, b) for a, b in items if b > a]


def _is_adjective(name: str, gaz: Gazetteer) -> bool:
    """ "Syrian Civil War", "Shi'a villages": a name led by a demonym is no place name."""
    first = name.split()[0].split("-")[0]
    demonyms = gaz.compiled(
        "demonyms", lambda: {a.text for bucket in gaz.aliases.values() for a in bucket if a.demonym}
    )
    adjectives = gaz.compiled("adjectives", lambda: set(gaz.word_list("adjectives")))
    # ``first`` holds no newline (split() cut there), so endswith is what "...$" matched.
    return first in demonyms or first in adjectives or first.endswith(("ian", "ish", "ese", "'a"))


_MONTH_START = re.compile(r"(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


def _is_month(name: str) -> bool:
    return bool(_MONTH_START.match(name)) and len(name) <= 9


def _names_a_group(clean: str, end: int, gaz: Gazetteer) -> bool:
    """ "the Jughayfa tribe", "Liwa al-Quds fighters": the name is a group's."""
    nouns = gaz.compiled(
        "actor_noun_after",
        lambda: re.compile(rf" (?:{'|'.join(gaz.word_list('actor_slot_nouns'))})\b"),
    )
    return bool(nouns.match(clean, end))


def _is_actor_name(name: str, gaz: Gazetteer) -> bool:
    """An actor's name, spelled as the lexicon spells it (fuzzily close is not enough: the
    village of al-Buwaydah is no Buwaydani)."""
    return name_key(name) in gaz.fuzzy_choices["actor"]


def _resolve_slot(name: str, suffix: str, kind: EntityKind, gaz: Gazetteer) -> str | None:
    """A name in a slot; with a site word after it, the site rather than the town it is
    named after ("Tal Afar Airbase" is not Tal Afar)."""
    if not suffix:
        return _fuzzy(name, kind, gaz)
    site = _fuzzy(f"{name} {suffix}", kind, gaz)
    base = _fuzzy(name, kind, gaz)
    if site is None and base is not None and gaz.entities[base].place_type == "site":
        return base
    return site


def _names_a_site(clean: str, end: int, alias: Alias, gaz: Gazetteer) -> bool:
    """A town's name followed by a capitalised site word names the site."""
    entity = gaz.entities.get(alias.entity)
    if entity is None or entity.place_type in ("site", "country", "province", "region"):
        return False
    words = gaz.compiled("site_words", lambda: _site_word_pattern(gaz))
    return bool(words.match(clean, end))


def _site_word_pattern(gaz: Gazetteer) -> re.Pattern[str]:
    capitalised = [w for w in gaz.word_list("site_suffixes") if w[:1].isupper()]
    words = "|".join(sorted(map(re.escape, capitalised), key=len, reverse=True))
    return re.compile(rf" (?:{words})\b")


def _fuzzy(name: str, kind: EntityKind, gaz: Gazetteer) -> str | None:
    key = name_key(name)
    choices = gaz.fuzzy_choices[kind]
    if key in choices:
        return choices[key]
    if len(key) < 4:
        return None
    memo = gaz.compiled(f"fuzzy-{kind}", dict)
    if key not in memo:
        memo[key] = _closest(key, choices)
    return memo[key]


def _closest(key: str, choices: dict[str, str]) -> str | None:
    hit = process.extractOne(key, choices.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if hit is None or hit[0][:1] != key[:1]:
        return None
    if re.findall(r"\d+", hit[0]) != re.findall(r"\d+", key):
        return None  # "Brigade 90 base" is not "Brigade 93 base", nor "T2" "T3"
    if min(len(key), len(hit[0])) < 7 and hit[1] < SHORT_NAME_CUTOFF:
        return None  # one letter is a large share of a short name: "Siniya" is not "Sisniyah"
    return choices[hit[0]]


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _mint(name: str, kind: EntityKind, gaz: Gazetteer, minted: dict[str, Entity]) -> Entity:
    slug = _NOT_SLUG.sub("-", ascii_fold(name).lower().replace("'", "")).strip("-")
    key = f"{kind}/{slug}"
    if key in gaz.entities:
        return gaz.entities[key]
    entity = minted.get(key) or Entity(key=key, kind=kind, label=name, unresolved=True)
    minted[key] = entity
    return entity
