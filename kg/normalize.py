"""The one normalisation used for matching names everywhere (gazetteer, fuzzy slots, kg eval).

Two layers:
- ``clean_typography`` keeps length (so offsets survive) and folds curly quotes, dashes and
  odd spaces to ASCII.
- ``name_key`` folds a name to a transliteration-proof key: case, accents, apostrophes and
  ayn/hamza marks, hyphens, Arabic articles, doubled letters and common vowel spellings.
"""

import re
import unicodedata
from functools import lru_cache

_TYPO = str.maketrans(
    {
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
        "\u2002": " ", "\u2003": " ", "\t": " ",
        "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u02bf": "'",
        "\u02be": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u200b": " ", "\u200e": " ", "\u200f": " ", "\ufeff": " ",
    }
)  # fmt: skip


def clean_typography(text: str) -> str:
    """Fold typographic noise one character for one, so offsets stay valid."""
    return text.translate(_TYPO)


ARTICLES = frozenset({"al", "el", "ar", "as", "ad", "ash", "az", "an", "at", "ath", "adh", "ez",
                      "es", "ed", "er", "en", "et", "il", "ul", "l"})  # fmt: skip
# Standalone (unhyphenated) forms that are articles and never English words.
STANDALONE_ARTICLES = frozenset({"al", "el"})
_SPELLING_FOLDS = (
    ("ou", "u"), ("oo", "u"), ("aw", "u"), ("o", "u"), ("ee", "i"), ("ey", "ai"),
    ("ei", "ai"), ("ay", "ai"), ("iya", "ia"), ("ie", "i"), ("q", "k"), ("dh", "d"), ("gh", "g"),
)  # fmt: skip
_KEY_PIECE = re.compile(r"[a-z0-9]+-?")
_DOUBLED = re.compile(r"(.)\1+")
_HYPHENED_ARTICLE = re.compile(r"\b([aeAE][a-zA-Z]{0,2})-([a-zA-Z])")


@lru_cache(maxsize=1 << 16)
def ascii_fold(text: str) -> str:
    clean = clean_typography(text)
    if clean.isascii():  # nothing to decompose: most text, and whole sentences are long
        return clean
    decomposed = unicodedata.normalize("NFKD", clean)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def fold_token(token: str) -> str:
    """Fold one lower-case ASCII word to its matching key."""
    t = token
    for old, new in _SPELLING_FOLDS:
        t = t.replace(old, new)
    t = _DOUBLED.sub(r"\1", t)
    if len(t) > 3 and t.endswith(("ah", "eh")):
        t = t[:-2] + "a"
    return t


_WORD = re.compile(r"[a-z0-9]+")

POSSESSIVE = re.compile(r"(?<=[a-z])'s\b")


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Key under which two spellings of one name compare equal.

    >>> name_key("Deir ez-Zour") == name_key("Dayr az-Zawr") == name_key("Deir Ezzor")
    True
    """
    words = tokens_for_key(name)
    return " ".join(fold_token(w) for w in words)


def name_keys(name: str) -> set[str]:
    """``name_key`` plus the spelling with each article glued on ("Deir Ezzor" for "ez-Zour"),
    so a matcher indexing every key finds both forms."""
    keys = {name_key(name)}
    glued = _HYPHENED_ARTICLE.sub(
        lambda m: m.group(1) + m.group(2) if m.group(1).lower() in ARTICLES else m.group(0),
        ascii_fold(name),
    )
    if glued != ascii_fold(name):
        keys.add(name_key(glued))
    return {k for k in keys if k}


def tokens_for_key(name: str) -> list[str]:
    """Lower-case words of a name with apostrophes removed and articles dropped."""
    # The tokenizer drops a possessive "'s" ("People's" reads "People"): names must agree.
    text = POSSESSIVE.sub("", ascii_fold(name).lower()).replace("'", "")
    raw = _KEY_PIECE.findall(text)
    words: list[str] = []
    for i, piece in enumerate(raw):
        word = piece.rstrip("-")
        hyphenated = piece.endswith("-")
        is_last = i == len(raw) - 1
        if not is_last and (word in STANDALONE_ARTICLES or (hyphenated and word in ARTICLES)):
            continue
        words.append(word)
    return words
