#!/usr/bin/env python3
"""Validate gazetteer/entities.jsonl; print a summary; exit 1 on any error.

Checks (the C++ gazetteer test is meant to mirror them):
  1. every line is a JSON object with the known fields of the right types;
     ids are unique ASCII slugs; types are valid; iso, country and
     capital_of are ISO 3166-1 alpha-2 codes (or XK, Kosovo); people have
     a role and a country; no word mixes Latin and Cyrillic letters; the
     file is sorted by type, then id;
  2. coverage: every UN member state (and observer) is a country with its
     ISO code, every member has a capital (a place with capital_of) except
     the city-states; counts per type; at least 500 entities;
  3. the ambiguity rule: within a language, no normalised name or alias
     (NFKC, case-folded, ё→е, typographic quotes and dashes to ASCII, split
     into words) leads to two entities, and no exact form to two entities,
     unless gazetteer/ambiguous.jsonl lists the form with the entity chosen;
     an exact form of one entity may equal a case-insensitive alias of
     another (that is how "US" and "us" are told apart);
  4. the tagger's view (a port of src/mentions/tagger.cc): no two entities
     claim the same path of word bases (Tagger::conflicts(), which the C++
     test NoAliasPointsAtTwoEntities fails on), and the trie holds more
     than 2000 forms;
  5. the fixtures in ../shared/fixtures/seed/: every required entity is
     here by its canonical English name and type, each surface form the
     fixture lists is tagged as that entity, and tagging the texts (the
     seed article's title and body; the Russian sample) finds every
     required entity and nothing outside required + acceptable.
Warnings (not errors): names or aliases that, tagged alone or in a common
inflected form, lead to another entity (shadowing), and Russian words
whose base is under four letters (the tagger then matches them only as
written, so their inflected forms belong in `exact`).

Tagger conflicts between two different surface forms that the tagger's
ending-stripping happens to merge ('Нигер'/'Нигерия') are warnings unless
--strict; conflicts of the same form are always errors.

Usage: scripts/gazetteer/check.py [--fixtures DIR] [--quiet] [--strict]
"""
import sys
sys.dont_write_bytecode = True
import argparse
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from countries import UN_MEMBERS, UN_OBSERVERS  # noqa: E402

TYPES = ["person", "organisation", "country", "place", "facility", "event"]
FIELDS = {"id": str, "type": str, "iso": str, "name": dict, "aliases": dict, "exact": list,
          "role": str, "country": str, "capital_of": str, "note": str}
LANGS = ("en", "ru")
CITY_STATES = {"MC", "SG", "SM", "VA"}  # the capital is the state itself
EXTRA_CODES = {"XK"}  # Kosovo: user-assigned, used by the EU and others

errors, warnings = [], []


def err(msg):
    errors.append(msg)


def warn(msg):
    warnings.append(msg)


# --- normalisation for the ambiguity rule ------------------------------------

QUOTES = dict.fromkeys(map(ord, "‘’‚‛′`´ʼ"), "'")
QUOTES.update(dict.fromkeys(map(ord, "“”„‟″«»‹›"), '"'))
QUOTES.update(dict.fromkeys(map(ord, "‐‑‒–—―−"), "-"))


def normalise(s, fold=True):
    s = unicodedata.normalize("NFKC", s).translate(QUOTES)
    if fold:
        s = s.casefold()
    s = s.replace("ё", "е").replace("Ё", "Е")
    return re.sub(r"\s+", " ", s).strip()


def key(s, fold=True):
    """The form as a sequence of words: what the rule compares."""
    return " ".join(w.raw for w in split_words(normalise(s, fold)))


# --- a port of src/mentions/tagger.cc -----------------------------------------

class Word:
    __slots__ = ("start", "end", "raw", "capitalized", "script")


def is_word_char(c):
    return c.isalnum() or unicodedata.category(c) in ("Mn", "Mc", "Lm", "Sk")


def split_words(text):
    words, i, n = [], 0, len(text)
    while i < n:
        if not is_word_char(text[i]):
            i += 1
            continue
        w = Word()
        w.start = i
        c = text[i]
        w.capitalized = c.isupper() or c.istitle()
        o = ord(c)
        w.script = "latin" if o < 0x250 else "cyrillic" if 0x400 <= o < 0x530 else "other"
        while i < n and is_word_char(text[i]):
            i += 1
        w.end = i
        w.raw = text[w.start:w.end]
        words.append(w)
    return words


def normalize_word(raw):
    out = []
    for c in raw:
        f = c.casefold()
        if len(f) != 1:
            f = c.lower() if len(c.lower()) == 1 else c
        out.append("е" if f == "ё" else f)
    s = "".join(out)
    if any(ord(c) >= 0x2000 for c in raw):
        s = unicodedata.normalize("NFKC", s).casefold()
    return s


ENDINGS = ["иями", "ями", "ами", "иях", "ией", "ого", "его", "ому", "ему", "ыми", "ими", "ях", "ах", "ей", "ой",
           "ою", "ею", "ом", "ем", "ам", "ям", "ию", "ия", "ие", "ии", "ий", "ая", "яя", "ое", "ее", "ые", "ую",
           "юю", "ый", "ым", "им", "ых", "их", "ов", "ев", "ея", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й"]
ENDINGS.sort(key=lambda e: -len(e.encode()))  # stable, like std::stable_sort
ENDING_SET = set(ENDINGS)


def blen(s):
    return len(s.encode())


def is_ending(tail, script):
    if not tail:
        return True
    if script == "latin":
        return tail in ("s", "es")
    return script == "cyrillic" and tail in ENDING_SET


def base_of(norm, script):
    if script != "cyrillic":
        return norm
    for e in ENDINGS:
        if blen(norm) >= blen(e) + 4 and norm.endswith(e):
            return norm[:-len(e)]
    return norm


def prefix_of(raw):
    return normalize_word(raw[:2])


class Node:
    __slots__ = ("next", "entity", "words")

    def __init__(self):
        self.next, self.entity, self.words = {}, -1, []


class Tagger:
    def __init__(self, entities):
        self.entities = entities
        self.inflected, self.exact = [Node()], [Node()]
        self.prefixes = set()
        self.alias_count = 0
        self.conflicts = []
        for idx, e in enumerate(entities):
            for lang in sorted(e.get("name", {})):
                self.add_stemmed(e["name"][lang], idx)
            for lang in sorted(e.get("aliases", {})):
                for a in e["aliases"][lang]:
                    self.add_stemmed(a, idx)
            for a in e.get("exact", []):
                self.add_exact(a, idx)

    def _child(self, trie, node, k):
        nxt = trie[node].next
        if k not in nxt:
            trie.append(Node())
            nxt[k] = len(trie) - 1
        return nxt[k]

    def _claim(self, trie, node, idx, alias):
        n = trie[node]
        if n.entity >= 0 and n.entity != idx:
            self.conflicts.append((alias, self.entities[n.entity]["id"], self.entities[idx]["id"]))
            return
        if n.entity < 0:
            self.alias_count += 1
        n.entity = idx

    def add_stemmed(self, alias, idx):
        words = split_words(alias)
        if not words:
            return
        node, aw = 0, []
        for w in words:
            norm = normalize_word(w.raw)
            base = base_of(norm, w.script)
            node = self._child(self.inflected, node, base)
            aw.append((norm, base, w.capitalized))
        self.prefixes.add(prefix_of(words[0].raw))
        self._claim(self.inflected, node, idx, alias)
        if self.inflected[node].entity == idx:
            self.inflected[node].words = aw

    def add_exact(self, alias, idx):
        words = split_words(alias)
        if not words:
            return
        node = 0
        for w in words:
            node = self._child(self.exact, node, w.raw)
        self._claim(self.exact, node, idx, alias)

    @staticmethod
    def adjacent(text, a, b):
        gap = text[a.end:b.start].encode()
        if len(gap) > 4:
            return False
        return all(c in b" -'\t\n" or c >= 0x80 for c in gap)

    def step(self, node, norm, script):
        nxt = self.inflected[node].next
        b = norm.encode()
        lowest = len(b) - 8 if len(b) > 8 else 0
        for k in range(len(norm), -1, -1):
            cut = blen(norm[:k])
            if is_ending(norm[k:], script) and norm[:k] in nxt:
                return nxt[norm[:k]]
            if cut <= lowest or cut == 0:
                return -1
        return -1

    @staticmethod
    def guarded(n, words, norms, first):
        for k, (anorm, abase, acap) in enumerate(n.words):
            w = words[first + k]
            if acap and not w.capitalized:
                return False
            if len(abase) < 4 and norms[first + k] != anorm:
                return False
        return True

    def tag(self, text):
        """[(entity index, start, end)] in text order (character offsets)."""
        words = split_words(text)
        norms = [normalize_word(w.raw) for w in words]
        out, i = [], 0
        while i < len(words):
            best, best_end = -1, i
            node = 0
            for j in range(i, len(words)):
                node = self.exact[node].next.get(words[j].raw, -1)
                if node < 0:
                    break
                if j > i and not self.adjacent(text, words[j - 1], words[j]):
                    break
                if self.exact[node].entity >= 0 and j + 1 > best_end:
                    best, best_end = self.exact[node].entity, j + 1
            if prefix_of(words[i].raw) in self.prefixes:
                node = 0
                for j in range(i, len(words)):
                    if j > i and not self.adjacent(text, words[j - 1], words[j]):
                        break
                    node = self.step(node, norms[j], words[j].script)
                    if node < 0:
                        break
                    n = self.inflected[node]
                    if n.entity >= 0 and j + 1 > best_end and self.guarded(n, words, norms, i):
                        best, best_end = n.entity, j + 1
            if best < 0:
                i += 1
                continue
            out.append((best, words[i].start, words[best_end - 1].end))
            i = best_end
        return out


# --- the checks ---------------------------------------------------------------

def load(path):
    entities = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                err(f"line {n}: empty line")
                continue
            try:
                e = json.loads(line)
            except json.JSONDecodeError as ex:
                err(f"line {n}: not JSON: {ex}")
                continue
            if not isinstance(e, dict):
                err(f"line {n}: not a JSON object")
                continue
            e["_line"] = n
            entities.append(e)
    return entities


def check_schema(entities, iso_codes):
    ids = Counter(e.get("id") for e in entities)
    for i, c in ids.items():
        if c > 1:
            err(f"duplicate id '{i}'")
    for e in entities:
        where = f"line {e['_line']} ({e.get('id')})"
        for k, v in e.items():
            if k == "_line":
                continue
            if k not in FIELDS:
                err(f"{where}: unknown field '{k}'")
            elif not isinstance(v, FIELDS[k]):
                err(f"{where}: '{k}' must be {FIELDS[k].__name__}")
        for k in ("id", "type", "name"):
            if k not in e:
                err(f"{where}: missing '{k}'")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(e.get("id", ""))):
            err(f"{where}: id must be an ASCII slug")
        if e.get("type") not in TYPES:
            err(f"{where}: type '{e.get('type')}' is not one of {TYPES}")
        name = e.get("name", {})
        if isinstance(name, dict):
            for lang in LANGS:
                if not isinstance(name.get(lang), str) or not name.get(lang).strip():
                    err(f"{where}: name.{lang} is required")
            for lang in name:
                if lang not in LANGS:
                    err(f"{where}: name language '{lang}' is not en or ru")
        al = e.get("aliases", {})
        if isinstance(al, dict):
            for lang, lst in al.items():
                if lang not in LANGS:
                    err(f"{where}: alias language '{lang}' is not en or ru")
                if not isinstance(lst, list) or not all(isinstance(a, str) and a.strip() for a in lst):
                    err(f"{where}: aliases.{lang} must be a list of non-empty strings")
                    continue
                if len(set(lst)) != len(lst):
                    err(f"{where}: aliases.{lang} repeats a form")
        if "exact" in e and not all(isinstance(a, str) and a.strip() for a in e["exact"]):
            err(f"{where}: exact must be a list of non-empty strings")
        forms = list(name.values()) if isinstance(name, dict) else []
        forms += [a for lst in al.values() if isinstance(lst, list) for a in lst] if isinstance(al, dict) else []
        forms += e.get("exact", []) if isinstance(e.get("exact"), list) else []
        for f in forms:
            if isinstance(f, str) and (f != f.strip() or "\u0301" in f or "  " in f):
                err(f"{where}: form '{f}' has stray spaces or stress marks")
            if isinstance(f, str) and not split_words(f):
                err(f"{where}: form '{f}' has no words")
            for w in split_words(f) if isinstance(f, str) else []:
                if re.search(r"[A-Za-z]", w.raw) and re.search(r"[А-Яа-яЁё]", w.raw):
                    err(f"{where}: form '{f}' mixes Latin and Cyrillic letters in '{w.raw}'")
        if "iso" in e and e.get("type") != "country":
            err(f"{where}: only countries have 'iso'")
        for k in ("iso", "country", "capital_of"):
            if k in e and e[k] not in iso_codes:
                err(f"{where}: {k} '{e[k]}' is not an ISO 3166-1 alpha-2 code")
        if e.get("type") == "country" and "country" in e:
            err(f"{where}: a country has 'iso', not 'country'")
        if e.get("type") == "person":
            for k in ("role", "country"):
                if not e.get(k):
                    err(f"{where}: a person needs '{k}'")
        elif "role" in e:
            err(f"{where}: only people have a 'role'")
        if "capital_of" in e and e.get("type") != "place":
            err(f"{where}: only places have 'capital_of'")
    order = [(e.get("type", ""), e.get("id", "")) for e in entities]
    if order != sorted(order):
        err("entities are not sorted by type, then id")


def check_coverage(entities):
    by_iso = {e["iso"]: e for e in entities if e.get("type") == "country" and "iso" in e}
    for code in sorted(UN_MEMBERS | UN_OBSERVERS):
        if code not in by_iso:
            err(f"no country entity with iso {code}")
    capitals = defaultdict(list)
    for e in entities:
        if "capital_of" in e:
            capitals[e["capital_of"]].append(e["id"])
    for code in sorted(UN_MEMBERS - CITY_STATES):
        if code not in capitals:
            err(f"UN member {code} ({by_iso.get(code, {}).get('id')}) has no capital (place with capital_of)")
    for code, ids in capitals.items():
        if len(ids) > 1:
            err(f"{code} has two capitals: {ids}")
    if len(entities) < 500:
        err(f"only {len(entities)} entities; at least 500 are expected")
    countries = [e for e in entities if e.get("type") == "country"]
    no_iso = [e["id"] for e in countries if "iso" not in e]
    return by_iso, capitals, no_iso


def load_ambiguous(path, ids):
    chosen = {}
    if not os.path.exists(path):
        return chosen
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                a = json.loads(line)
            except json.JSONDecodeError as ex:
                err(f"ambiguous.jsonl:{n}: not JSON: {ex}")
                continue
            for k in ("alias", "lang", "entity", "others", "why"):
                if k not in a:
                    err(f"ambiguous.jsonl:{n}: missing '{k}'")
            if a.get("lang") not in LANGS + ("exact",):
                err(f"ambiguous.jsonl:{n}: lang must be en, ru or exact")
            for i in [a.get("entity")] + list(a.get("others", [])):
                if i not in ids:
                    err(f"ambiguous.jsonl:{n}: unknown entity '{i}'")
            fold = a.get("lang") != "exact"
            chosen[(a.get("lang"), key(a.get("alias", ""), fold))] = (a.get("entity"), set(a.get("others", [])), n)
    return chosen


def check_ambiguity(entities, ambiguous):
    used = set()
    tables = {}
    for lang in LANGS:
        table = defaultdict(set)
        for e in entities:
            forms = [e["name"].get(lang, "")] + e.get("aliases", {}).get(lang, [])
            for f in forms:
                if f:
                    table[key(f)].add(e["id"])
        tables[lang] = table
    exact = defaultdict(set)
    for e in entities:
        for f in e.get("exact", []):
            exact[key(f, fold=False)].add(e["id"])
    tables["exact"] = exact
    cross = 0
    for lang, table in tables.items():
        for k, owners in sorted(table.items()):
            if len(owners) < 2:
                continue
            rule = ambiguous.get((lang, k))
            if rule and rule[0] in owners and owners - {rule[0]} <= rule[1]:
                used.add((lang, k))
                continue
            err(f"ambiguous {lang} form '{k}': {sorted(owners)} (drop it, or list it in ambiguous.jsonl)")
    for (lang, k), (ent, others, n) in ambiguous.items():
        if (lang, k) not in used:
            err(f"ambiguous.jsonl:{n}: '{k}' ({lang}) is not ambiguous (any more); remove the entry")
    # exact forms of one entity equal to a case-insensitive form of another: allowed
    folded = {**{k: v for k, v in tables["en"].items()}}
    for k, v in tables["ru"].items():
        folded.setdefault(k, set()).update(v)
    for k, owners in exact.items():
        others = folded.get(key(k), set()) - owners
        if others:
            cross += 1
    return cross


def check_tagger(entities, tagger, strict):
    by_id = {e["id"]: e for e in entities}
    for alias, first, second in tagger.conflicts:
        same = any(key(alias) == key(f) for lang in LANGS
                   for f in [by_id[first]["name"].get(lang, "")] + by_id[first].get("aliases", {}).get(lang, []))
        msg = (f"tagger conflict: '{alias}' of {second} takes the same word bases as {first}; "
               f"Tagger::conflicts() reports it and the C++ test NoAliasPointsAtTwoEntities fails")
        if same or strict:
            err(msg)
        else:
            warn(msg + " (different surface forms: a tagger limit, not a data fault)")
    if tagger.alias_count <= 2000:
        err(f"the tagger holds {tagger.alias_count} forms; the C++ test wants more than 2000")
    # Shadowing: a form tagged alone should come back as its own entity.
    shadows = []
    for idx, e in enumerate(entities):
        forms = list(e["name"].values()) + [a for lst in e.get("aliases", {}).values() for a in lst]
        forms += e.get("exact", [])
        for f in forms:
            if "(" in f or "," in f:  # disambiguated display names: the bare part is left to another entity
                continue
            got = tagger.tag(f)
            ids = [entities[g[0]]["id"] for g in got]
            if e["id"] not in ids:
                shadows.append(f"'{f}' ({e['id']}) tags as {ids or 'nothing'}")
            for variant in inflections(f):
                got = tagger.tag(variant)
                ids = {entities[g[0]]["id"] for g in got}
                if ids and e["id"] not in ids:
                    shadows.append(f"'{variant}' (an inflection of '{f}', {e['id']}) tags as {sorted(ids)}")
    for s in shadows:
        warn("shadowed: " + s)
    short = []
    for e in entities:
        exact = set(e.get("exact", []))
        for f in [e["name"]["ru"]] + e.get("aliases", {}).get("ru", []):
            ws = split_words(f)
            if len(ws) == 1 and ws[0].script == "cyrillic":
                norm = normalize_word(ws[0].raw)
                b = base_of(norm, "cyrillic")
                if (b != norm and len(b) < 4 and declinable(f) and not f.isupper()
                        and not any(x != f and x.startswith(f[:len(b)]) for x in exact)):
                    short.append(f"{f} ({e['id']})")
    multi = []
    for e in entities:
        for f in [e["name"]["ru"]] + e.get("aliases", {}).get("ru", []):
            ws = split_words(f)
            if len(ws) < 2 or ws[0].raw in APPOSITION_HEADS:
                continue
            covered = any(x != f and len(x.split(" ")) == len(f.split(" ")) and
                          all(a[:2] == b[:2] for a, b in zip(x.split(" "), f.split(" "))) for x in e.get("exact", []))
            if covered:
                continue
            for k, w in enumerate(ws):
                joined = k + 1 < len(ws) and f[w.end:ws[k + 1].start] == "-"
                if (w.script == "cyrillic" and len(w.raw) > 2 and not w.raw.isupper() and declinable(w.raw) and not joined
                        and len(base_of(normalize_word(w.raw), "cyrillic")) < 4):
                    multi.append(f)
                    break
    if multi:
        warn(f"{len(multi)} multi-word Russian forms have a word with a base under 4 letters, so the tagger "
             f"misses most of their case forms (e.g. 'Чёрного моря'): " + ", ".join(multi[:25])
             + (", ..." if len(multi) > 25 else ""))
    if short:
        warn("Russian words with a base under 4 letters, matched only as written (add inflected forms to "
             "exact where they matter): " + ", ".join(short))


APPOSITION_HEADS = {"Республика", "Королевство", "Государство", "Княжество", "Султанат", "Содружество",
                    "Союз", "Федеративная", "Демократическая", "Независимое", "Исламская", "Народная",
                    "Многонациональное", "Восточная", "Великое", "Боливарианская", "Социалистическая"}


def declinable(word):
    """Whether a Russian word changes its ending by case (by its last letters)."""
    low = word.lower()
    return low.endswith(("а", "я", "й", "ь")) or low[-1:] in "бвгджзклмнпрстфхцчшщ" or low.endswith(("ое", "ее"))


def inflections(form):
    """A few common Russian case forms of a one-word Cyrillic name."""
    ws = split_words(form)
    if len(ws) != 1 or ws[0].script != "cyrillic" or not ws[0].capitalized:
        return []
    w = ws[0].raw
    lw = w.lower()
    if lw.endswith("ия"):
        stem, ends = w[:-2], ["ии", "ию", "ией"]
    elif lw.endswith("ая"):
        stem, ends = w[:-2], ["ой", "ую"]
    elif lw.endswith(("а", "я")):
        stem, ends = w[:-1], ["ы", "е", "у", "ой"] if lw.endswith("а") else ["и", "е", "ю", "ей"]
    elif lw[-1] in "бвгджзклмнпрстфхцчшщ":
        stem, ends = w, ["а", "е", "у", "ом"]
    else:
        return []
    return [stem + x for x in ends]


def check_fixtures(entities, tagger, fixtures):
    by_name = {}
    for e in entities:
        by_name.setdefault(e["name"]["en"], []).append(e)
    report = []
    names = {e["id"]: e["name"]["en"] for e in entities}
    for stem in ("seed-page", "ru-sample"):
        mpath = os.path.join(fixtures, stem + ".mentions.json")
        if not os.path.exists(mpath):
            warn(f"fixture {mpath} not found: fixture checks skipped")
            continue
        m = json.load(open(mpath, encoding="utf-8"))
        required = {r["name"]: r for r in m["required"]}
        acceptable = {a if isinstance(a, str) else a["name"] for a in m.get("acceptable", [])}
        for n, r in required.items():
            es = by_name.get(n, [])
            if not es:
                err(f"{stem}: required entity '{n}' has no entity with that name.en")
                continue
            if len(es) > 1:
                err(f"{stem}: name.en '{n}' is used by {[x['id'] for x in es]}")
            e = es[0]
            if e["type"] != r["type"]:
                err(f"{stem}: '{n}' is a {e['type']} here but a {r['type']} in the fixture")
            for form in r.get("forms", []):
                ids = {entities[g[0]]["id"] for g in tagger.tag(form)}
                if e["id"] not in ids:
                    err(f"{stem}: the form '{form}' of '{n}' tags as {sorted(ids) or 'nothing'}")
        for a in acceptable:
            if a not in by_name:
                report.append(f"{stem}: acceptable '{a}' is not in the gazetteer (fine)")
        if stem == "seed-page":
            exp = json.load(open(os.path.join(fixtures, "seed-page.expected.json"), encoding="utf-8"))
            text = exp["title"] + "\n\n" + exp["text"]
        else:
            text = open(os.path.join(fixtures, stem + ".txt"), encoding="utf-8").read()
        found = Counter(names[entities[g[0]]["id"]] for g in tagger.tag(text))
        missed = sorted(set(required) - set(found))
        fps = sorted(set(found) - set(required) - acceptable)
        for x in missed:
            err(f"{stem}: required '{x}' is not found in the text")
        for x in fps:
            spans = [text[s:t] for i, s, t in tagger.tag(text) if names[entities[i]["id"]] == x]
            err(f"{stem}: false positive '{x}' from {sorted(set(spans))}")
        report.append(f"{stem}: {len(required)} required, {len(found)} found "
                      f"({len(set(found) & acceptable)} acceptable), missed {len(missed)}, false positives {len(fps)}")
        if stem == "seed-page":
            full = open(os.path.join(fixtures, "seed-page.txt"), encoding="utf-8").read()
            extra = sorted({names[entities[g[0]]["id"]] for g in tagger.tag(full)} - set(required) - acceptable)
            report.append("seed-page.txt as a whole (with the sidebar the mentions file excludes) would add: "
                          + (", ".join(extra) or "nothing"))
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gazetteer", default=os.path.join(ROOT, "gazetteer"))
    ap.add_argument("--fixtures", default=os.path.join(os.path.dirname(ROOT), "shared", "fixtures", "seed"))
    ap.add_argument("--quiet", action="store_true", help="print warnings as a count only")
    ap.add_argument("--strict", action="store_true",
                    help="every tagger conflict is an error, as in the C++ test (default: only same-form ones)")
    args = ap.parse_args()

    iso_codes = set(EXTRA_CODES)
    with open(os.path.join(args.gazetteer, "src", "iso-3166-1.jsonl"), encoding="utf-8") as f:
        for line in f:
            iso_codes.add(json.loads(line)["iso"])

    entities = load(os.path.join(args.gazetteer, "entities.jsonl"))
    check_schema(entities, iso_codes)
    if errors:  # the rest needs well-formed entities
        return finish(entities, [], None)
    by_iso, capitals, no_iso = check_coverage(entities)
    ambiguous = load_ambiguous(os.path.join(args.gazetteer, "ambiguous.jsonl"), {e["id"] for e in entities})
    cross = check_ambiguity(entities, ambiguous)
    tagger = Tagger(entities)
    check_tagger(entities, tagger, args.strict)
    report = check_fixtures(entities, tagger, args.fixtures)
    n_alias = sum(len(lst) for e in entities for lst in e.get("aliases", {}).values())
    n_exact = sum(len(e.get("exact", [])) for e in entities)
    report.insert(0, f"forms: {len(entities) * 2} names, {n_alias} aliases, {n_exact} exact; "
                     f"{tagger.alias_count} distinct forms in the tagger's tries")
    report.insert(1, f"UN members and observers: {len(UN_MEMBERS & set(by_iso))}/193 + "
                     f"{len(UN_OBSERVERS & set(by_iso))}/2; capitals: {len(capitals)} "
                     f"(city-states without one: {', '.join(sorted(CITY_STATES))}); countries without iso: "
                     f"{', '.join(no_iso) or 'none'}")
    report.insert(2, f"exact forms that equal another entity's case-insensitive form (allowed): {cross}")
    return finish(entities, report, args)


def finish(entities, report, args):
    counts = Counter(e.get("type") for e in entities)
    print("gazetteer/entities.jsonl: " + ", ".join(f"{t} {counts.get(t, 0)}" for t in TYPES)
          + f"; total {len(entities)}")
    for line in report:
        print("  " + line)
    if warnings:
        if args and args.quiet:
            print(f"{len(warnings)} warnings (run without --quiet to see them)")
        else:
            for w in warnings:
                print("warning: " + w)
    for e in errors:
        print("error: " + e)
    print(f"{'FAILED' if errors else 'OK'}: {len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
