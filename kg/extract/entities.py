"""Sentence -> mentions of places and actors.

1. Every name of the gazetteer, by one scan of the sentence's folded word stream.
2. Demonyms ("Russian", "Iranian") only in front of a force noun ("Russian warplanes").
3. Capitalised names in a place slot ("the town of X", "X Airbase", "north of X") or an actor
   slot ("X militants") that matched nothing: looked up fuzzily, else minted as unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kg.extract.gazetteer import Alias, Gazetteer
from kg.model import Entity, EntityKind, Mention
from kg.normalize import ARTICLES, STANDALONE_ARTICLES, ascii_fold, fold_token, name_key

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
FUZZY_CUTOFF = 86
SHORT_NAME_CUTOFF = 95


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    key: str  # folded form; "" for an article that names drop


def tokenize(clean: str) -> list[Token]:
    tokens: list[Token] = []
    matches = list(_TOKEN.finditer(clean))
    for i, m in enumerate(matches):
        text = m.group(0)
        if text.lower().endswith("'s") and len(text) > 2:
            text = text[:-2]
        end = m.start() + len(text)
        word = ascii_fold(text).lower().replace("'", "")
        hyphened = clean[end : end + 1] == "-"
        followed = i + 1 < len(matches)
        is_article = followed and (
            (hyphened and word in ARTICLES) or (word in STANDALONE_ARTICLES and text[0].isupper())
        )
        tokens.append(Token(text, m.start(), end, "" if is_article else fold_token(word)))
    return tokens


def find_mentions(clean: str, gaz: Gazetteer, tokens: list[Token] | None = None) -> list[Mention]:
    """Gazetteer names and demonyms in a sentence, longest leftmost first, not overlapping."""
    tokens = tokens if tokens is not None else tokenize(clean)
    stream, owners = _stream(tokens)
    found: list[tuple[int, int, Alias]] = []
    for end_char, (key, aliases) in gaz.automaton.iter(stream):
        first, last = _token_span(stream, owners, end_char, key)
        surface = clean[tokens[first].start : tokens[last].end]
        alias = _choose_alias(
            aliases, surface, clean[: tokens[first].start], clean[tokens[last].end :][:3]
        )
        if alias is not None and _demonym_ok(alias, clean, tokens[last].end, gaz):
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
_GLUED_NAME_BEFORE = re.compile(
    r"(?<![.!?:;] )(?<!^)\b(?:Hay|Hayy|Kafr|Tal|Tell|Deir|Ain|Ras|Bir|Jabal|Khirbet|Beit|Bab|Abu|Albu|Umm|Sheikh|Qasr|Wadi|Jisr|Maarat|Arab)\s+$"
)
_LONG_NAME_EXEMPT = ("country", "province", "city")
_NAME_WITH_ARTICLE_BEFORE = re.compile(
    r"(?<![.!?:;] )\b([A-Z][\w']+)\s+(?:al|ar|as|ad|ash|az|an|at|el)-$"
)


def _part_of_longer_name(
    clean: str, tokens: list[Token], first: int, last: int, gaz: Gazetteer, alias: Alias
) -> bool:
    """ "Hay al-Amil" is not al-Hayy and "Kuweires al-Sharqi" not Kuweires: a small place whose
    name runs on into more capitalised words is part of a longer, unknown name."""
    before = clean[: tokens[first].start]
    lead = _NAME_WITH_ARTICLE_BEFORE.search(before)  # "Ameriyat al-Fallujah" is not Fallujah
    not_names = gaz.compiled("not_names", lambda: set(gaz.word_list("not_names")))
    if lead and lead.group(1) not in not_names:
        return True
    entity = gaz.entities.get(alias.entity)
    if entity is None or entity.place_type in _LONG_NAME_EXEMPT:
        return False
    after = clean[tokens[last].end :]
    m = _GLUED_NAME_AFTER.match(after)
    if m:
        nxt = re.match(r"[ -](?:\w+-)?(\w+)", after)
        word = nxt.group(1) if nxt else ""
        not_names = set(gaz.word_list("not_names"))
        suffixes = {w.split()[0] for w in gaz.word_list("site_suffixes")}
        if word not in not_names and word not in suffixes:
            return True
    return bool(_GLUED_NAME_BEFORE.search(before))


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
    following = re.findall(r"[\w'-]+", clean[end : end + 60])[:4]
    force_nouns = gaz.compiled(
        "force_nouns", lambda: {n.lower() for n in gaz.word_list("force_nouns")}
    )
    return any(w.lower() in force_nouns or AIRCRAFT_MODEL.fullmatch(w) for w in following)


AIRCRAFT_MODEL = re.compile(r"(?:F|Su|MiG|Tu|Mi|Ka|B|A|AH|UH)-\d+\w*")


def _is_not_name(tokens: list[Token], first: int, last: int, clean: str, gaz: Gazetteer) -> bool:
    surface = clean[tokens[first].start : tokens[last].end]
    return surface in gaz.compiled("not_names", lambda: set(gaz.word_list("not_names")))


def _role(clean: str, start: int, end: int) -> str:
    """How the name is used: "ISIS-held" (a controller), "anti-ISIS" (a target), or a name."""
    if re.match(r"-(held|controlled|occupied|dominated)\b", clean[end : end + 12].lower()):
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
        if not name or _is_month(name) or name.split()[0] in gaz.word_list("not_names"):
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
        m = re.match(rf"(?:,\s*|,?\s+and\s+|,?\s+or\s+)(?:the\s+)?({_NAME})", clean[mention.end :])
        if m:
            yield "place", mention.end + m.start(1), mention.end + m.end(1), True, ""


def _slot_candidates(clean: str, gaz: Gazetteer):
    site_suffix = gaz.compiled("site_suffix", lambda: _site_suffix_pattern(gaz))
    for kind, pattern, strong, wants_suffix in gaz.compiled("slots", lambda: _slot_patterns(gaz)):
        for m in pattern.finditer(clean):
            suffix = ""
            if wants_suffix:
                sm = site_suffix.match(clean, m.end(1))
                suffix = sm.group(1) if sm else ""
            for start, end in _list_items(clean, m.start(1), m.end(1)):
                yield kind, start, end, strong, suffix


def _site_suffix_pattern(gaz: Gazetteer) -> re.Pattern[str]:
    sites = "|".join(sorted(map(re.escape, gaz.word_list("site_suffixes")), key=len, reverse=True))
    return re.compile(rf"\s*({sites})")


def _slot_patterns(gaz: Gazetteer) -> list[tuple[EntityKind, re.Pattern[str], bool, int]]:
    """The slot patterns of names.toml, compiled once per gazetteer."""
    words = gaz.word_list
    slot = "|".join(sorted(map(re.escape, words("place_slot_nouns")), key=len, reverse=True))
    direction = "|".join(words("directions"))
    preps = "|".join(words("place_prepositions"))
    sites = "|".join(sorted(map(re.escape, words("site_suffixes")), key=len, reverse=True))
    actor_nouns = "|".join(words("actor_slot_nouns"))
    minting = "|".join(words("minting_prepositions"))
    titles = "|".join(re.escape(t) for t in sorted(words("person_titles"), key=len, reverse=True))
    patterns: list[tuple[EntityKind, str, bool, int]] = [
        ("place", rf"\b(?:{slot}) of ({_NAME}(?:{_AND}{_NAME})*)", True, 0),
        ("place", rf"\bthe ({_NAME}(?:{_AND}{_NAME})*) (?=(?:{slot})\b)", True, 0),
        ("place", rf"\b(?:{direction}) of ({_NAME})", True, 0),
        ("place", rf"({_NAME}(?: \d{{1,3}})?) (?=(?:{sites})\b)", True, 1),  # "Brigade 82 base"
        ("place", rf"\b(?:{minting}) (?:the |a |an )?({_NAME}(?:{_AND}{_NAME})*)", True, 0),
        ("place", rf"\b(?:{preps}) (?:the )?({_NAME})", False, 0),
        ("actor", rf"\b({_NAME} (?:{actor_nouns}))\b", True, 0),
        ("actor", rf"\b(?:{titles}) ({_PERSON})\b", True, 0),
        ("actor", rf"(?<!'s )\b({_UNIT})\b", True, 0),
        ("actor", rf"\b({_NAME}) \((?=[A-Z]{{2,6}}\))", True, 0),
    ]
    return [(kind, re.compile(p), strong, suffix) for kind, p, strong, suffix in patterns]


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
    return (
        first in demonyms
        or first in gaz.word_list("adjectives")
        or bool(re.search(r"(ian|ish|ese|'a)$", first))
    )


def _is_month(name: str) -> bool:
    return bool(re.match(r"(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", name)) and (
        len(name) <= 9
    )


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


def _mint(name: str, kind: EntityKind, gaz: Gazetteer, minted: dict[str, Entity]) -> Entity:
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(name).lower().replace("'", "")).strip("-")
    key = f"{kind}/{slug}"
    if key in gaz.entities:
        return gaz.entities[key]
    entity = minted.get(key) or Entity(key=key, kind=kind, label=name, unresolved=True)
    minted[key] = entity
    return entity
