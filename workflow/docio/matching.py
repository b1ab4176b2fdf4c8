"""Match "Nơi nhận" names to the organisations and groups of a directory.

Names are written many ways: "Sở VH TT & DL", "Sở Văn hóa, TT&DL" and "Sở Văn
hóa, Thể thao và Du lịch" are one unit. :func:`normalize_unit_name` folds
case and diacritics ("hoá"/"hóa"), drops punctuation and "và", and expands
common abbreviations, resolving the ambiguous "TT" (Thể thao, Thông tin,
Thường trực, Trung tâm) from its neighbours.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .vntext import fold

ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan",
    "ubmttq": "uy ban mat tran to quoc", "mttq": "mat tran to quoc", "ubmt": "uy ban mat tran",
    "bcd": "ban chi dao", "bcđ": "ban chi dao", "ldvp": "lanh dao van phong",
    "ld": "lanh dao", "vp": "van phong", "vh": "van hoa", "dl": "du lich",
    "vhxh": "van hoa xa hoi", "xh": "xa hoi", "vhtt": "van hoa thong tin",
    "vhttdl": "van hoa the thao du lich", "svhttdl": "so van hoa the thao du lich",
    "ldtbxh": "lao dong thuong binh xa hoi", "tbxh": "thuong binh xa hoi",
    "gddt": "giao duc dao tao", "gd": "giao duc", "tnmt": "tai nguyen moi truong",
    "tn": "tai nguyen", "mt": "moi truong", "khcn": "khoa hoc cong nghe", "cn": "cong nghe",
    "khdt": "ke hoach dau tu", "nnptnt": "nong nghiep phat trien nong thon",
    "nn": "nong nghiep", "ptnt": "phat trien nong thon", "yt": "y te", "ca": "cong an",
    "bchqs": "ban chi huy quan su", "qs": "quan su", "dvth": "dich vu tong hop",
    "dv": "dich vu", "tw": "trung uong", "tncs": "thanh nien cong san",
    "hlhpn": "hoi lien hiep phu nu", "lhpn": "lien hiep phu nu", "hnd": "hoi nong dan",
    "hccb": "hoi cuu chien binh", "ccb": "cuu chien binh", "tchcqt": "to chuc hanh chinh quan tri",
    "tchc": "to chuc hanh chinh", "bch": "ban chap hanh", "btv": "ban thuong vu",
    "du": "dang uy", "tu": "tinh uy", "hu": "huyen uy", "tp": "thanh pho", "tx": "thi xa",
    "tt": None, "kh": None, "dt": None, "tc": None, "th": None,
}
_ORG_FIRST = {"dang", "du", "hdnd", "ubnd", "bcd", "mttq", "ubmttq", "hoi", "ban", "uy"}
_PLACE_FIRST = {"huyen", "tinh", "thi", "thanh"}
_LEVEL_WORDS = {"xa", "huyen", "tinh", "phuong", "quan", "thi tran", "thanh pho"}
_STOP = {"va"}
_SPLIT = re.compile(r"[^\w/]+")


@dataclass(frozen=True)
class DirectoryEntry:
    """A unit that can receive documents: an organisation or a named group."""

    kind: str
    id: int
    name: str
    aliases: list[str] = field(default_factory=list, hash=False, compare=True)


@dataclass(frozen=True)
class Match:
    """One recipient name and the directory entry it matched (None if none)."""

    name: str
    entry: DirectoryEntry | None
    score: float


_INITIALS = ("ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d",
             "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_FINALS = ("", "c", "ch", "m", "n", "ng", "nh", "p", "t")
_SYLLABLE = re.compile(r"^([^aeiouy]*)([aeiouy]+)([^aeiouy]*)$")


def _is_syllable(token: str) -> bool:
    """True when ``token`` (folded) could be a Vietnamese syllable, not an acronym."""
    match = _SYLLABLE.match(token)
    return bool(match) and match.group(1) in _INITIALS and match.group(3) in _FINALS


def _tokens(name: str) -> list[tuple[str, bool]]:
    """Folded tokens of ``name``, each with whether it may be an abbreviation."""
    text = name.replace("&", " và ").replace("+", " và ")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # "U.B.N.D" → "UBND"
    raw = [t for t in _SPLIT.split(text) if t]
    all_caps = all(t.isupper() for t in raw if any(c.isalpha() for c in t))
    tokens = []
    for token in raw:
        folded = fold(token)
        acronym = token.isupper() and len(token) >= 2 and not (all_caps and _is_syllable(folded))
        tokens.append((folded, acronym))
    return tokens


def _expand_tt(prev: str, following: list[str]) -> str:
    nxt = following[0] if following else ""
    if prev.endswith("thong tin"):
        return "truyen thong"
    if nxt == "tt":
        return "thong tin"
    if nxt == "dl" or following[:2] == ["du", "lich"]:
        return "the thao"
    if prev.endswith("van hoa"):
        return "thong tin"
    if nxt in _ORG_FIRST or (nxt in _PLACE_FIRST and following[1:2] == ["uy"]):
        return "thuong truc"
    return "trung tam"


def _expand(tokens: list[tuple[str, bool]]) -> list[str]:
    words = [t for t, _ in tokens if t not in _STOP]
    flags = [f for t, f in tokens if t not in _STOP]
    out: list[str] = []
    for i, token in enumerate(words):
        following = words[i + 1:i + 3]
        nxt = following[0] if following else ""
        prev = " ".join(out[-3:])
        if not flags[i]:
            out.append(token)
        elif token == "tt":
            out.extend(_expand_tt(prev, following).split())
        elif token == "kh":
            out.extend(("khoa hoc" if nxt == "cn" else "ke hoach").split())
        elif token == "dt":
            out.extend(("dao tao" if prev.endswith("giao duc") else "dau tu").split())
        elif token == "tc":
            out.extend(("tai chinh" if nxt == "kh" else "to chuc").split())
        elif token == "th" and prev.endswith("dich vu"):
            out.extend(("tong", "hop"))
        elif ABBREVIATIONS.get(token):
            out.extend(ABBREVIATIONS[token].split())
        else:
            out.extend(_split_acronym(token))
    return out


def _split_acronym(token: str) -> list[str]:
    """Expand a run-together acronym ("VHTTDL") when every piece is known."""
    if len(token) < 4 or not token.isalpha() or token in ABBREVIATIONS:
        return [token]
    pieces: list[str] = []
    i = 0
    while i < len(token):
        for size in range(min(6, len(token) - i), 1, -1):
            piece = token[i:i + size]
            if piece in ABBREVIATIONS:
                pieces.append(piece)
                i += size
                break
        else:
            return [token]
    return _expand([(p, True) for p in pieces])


def normalize_unit_name(name: str) -> str:
    """Canonical form of a unit name for comparison.

    Lower case, no diacritics, no punctuation, "và"/"&" dropped, upper-case
    abbreviations expanded: "Sở VH TT & DL" → "so van hoa the thao du lich",
    "TT Đảng ủy" → "thuong truc dang uy". A word written in full ("Du lịch")
    is never taken for an abbreviation ("ĐU").
    """
    return " ".join(_expand(_tokens(name)))


def _score(name: str, candidate: str) -> float:
    """1.0 equal; 0.95/0.9 for an added place level; up to 0.9 for near spellings."""
    if name == candidate:
        return 1.0
    words, cwords = name.split(), candidate.split()
    if not words or not cwords:
        return 0.0
    if not set(cwords) & _LEVEL_WORDS and name.startswith(candidate + " "):
        rest = words[len(cwords):]
        if rest[0] in _LEVEL_WORDS:
            return 0.95 if len(rest) == 1 else 0.9
    if sorted(words) == sorted(cwords):
        return 0.93
    if len(words) != len(cwords):
        return 0.0
    for word, cword in zip(words, cwords):
        if word == cword:
            continue
        if len(word) <= 2 or len(cword) <= 2 or any(c.isdigit() for c in word + cword):
            return 0.0
        if SequenceMatcher(None, word, cword, autojunk=False).ratio() < 0.7:
            return 0.0
    return 0.9 * SequenceMatcher(None, name, candidate, autojunk=False).ratio()


def match_recipients(names: list[str], directory: list[DirectoryEntry],
                     threshold: float = 0.8) -> list[Match]:
    """Match each name to the best directory entry, in the order given.

    Every name comes back once: with the entry whose name or alias scores
    highest (1.0 for an exact match after normalisation), or with ``entry``
    None and score 0.0 when nothing reaches ``threshold``.
    """
    forms = []
    for entry in directory:
        for variant in [entry.name, *entry.aliases]:
            forms.append((normalize_unit_name(variant), entry))
    matches = []
    for name in names:
        normal = normalize_unit_name(name)
        best, best_score = None, 0.0
        for form, entry in forms:
            score = _score(normal, form)
            if score > best_score:
                best, best_score = entry, score
        if best is None or best_score < threshold:
            matches.append(Match(name, None, 0.0))
        else:
            matches.append(Match(name, best, round(best_score, 3)))
    return matches
