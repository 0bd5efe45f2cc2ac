#!/usr/bin/env python3
"""Country names in English and Russian from Debian's iso-codes package.

Reads /usr/share/iso-codes/json/iso_3166-1.json and the Russian translations
in /usr/share/locale/ru/LC_MESSAGES/iso_3166-1.mo and writes one JSON object
per ISO 3166-1 entry (sorted by alpha-2 code) to gazetteer/src/iso-3166-1.jsonl:

  {"iso":"IR","status":"un-member",
   "en":{"name":"Iran","forms":["Islamic Republic of Iran"]},
   "ru":{"name":"Иран","forms":["Исламская Республика Иран"]},
   "raw":{...the iso-codes fields and their translations...}}

`name` is the common name derived from iso-codes (its common_name, else its
name with "X, Republic of" turned into natural order "Republic of X");
`forms` are the other names iso-codes gives (official name, short name), in
natural order, without parenthesised ones ("Falkland Islands (Malvinas)").
Untranslated Russian strings and stress marks (U+0301) are dropped.

scripts/gazetteer/build.py merges this with the hand-written common names
and aliases in gazetteer/src/countries.jsonl. Run this only when iso-codes
changes; the output is committed so the build needs no iso-codes.

Usage: scripts/gazetteer/countries.py [--iso-json PATH] [--localedir DIR] [-o FILE]
"""
import argparse
import gettext
import json
import os
import re
import sys

# The 193 member states of the United Nations, by ISO 3166-1 alpha-2.
UN_MEMBERS = set("""
AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG
BF BI CV KH CM CA CF TD CL CN CO KM CG CD CR CI HR CU CY CZ KP DK DJ DM DO EC
EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN
ID IR IQ IE IL IT JM JP JO KZ KE KI KW KG LA LV LB LS LR LY LI LT LU MG MW MY
MV ML MT MH MR MU MX FM MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK
PW PA PG PY PE PH PL PT QA KR MD RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG
SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TH TL TG TO TT TN TR TM TV UG UA AE
GB TZ US UY UZ VU VE VN YE ZM ZW
""".split())
# Non-member observer states of the UN General Assembly.
UN_OBSERVERS = {"VA", "PS"}

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def natural_order(name):
    """'Iran, Islamic Republic of' -> 'Islamic Republic of Iran';
    'Congo, The Democratic Republic of the' -> 'Democratic Republic of the Congo';
    'Virgin Islands, British' -> 'British Virgin Islands'."""
    if not name:
        return name
    if ", " in name:
        head, tail = name.split(", ", 1)
        if re.search(r"(\bof|\bof the)$", tail) or re.fullmatch(r"British|U\.S\.", tail):
            name = f"{tail} {head}"
    name = re.sub(r"^(the|The) ", "", name)
    return name


def clean_ru(s, source):
    """A Russian translation, or None when iso-codes left it untranslated."""
    if s is None or s == source or re.search(r"[A-Za-z]", s):
        return None
    s = s.replace("\u0301", "")  # stress marks
    return re.sub(r"\s+", " ", s).strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso-json", default="/usr/share/iso-codes/json/iso_3166-1.json")
    ap.add_argument("--localedir", default="/usr/share/locale")
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "gazetteer", "src", "iso-3166-1.jsonl"))
    args = ap.parse_args()

    with open(args.iso_json, encoding="utf-8") as f:
        entries = json.load(f)["3166-1"]
    ru = gettext.translation("iso_3166-1", localedir=args.localedir, languages=["ru"])

    missing = UN_MEMBERS - {e["alpha_2"] for e in entries}
    if missing or len(UN_MEMBERS) != 193:
        sys.exit(f"UN member list is wrong: {len(UN_MEMBERS)} codes, not in iso-codes: {sorted(missing)}")

    out = []
    for e in sorted(entries, key=lambda e: e["alpha_2"]):
        iso = e["alpha_2"]
        status = "un-member" if iso in UN_MEMBERS else "un-observer" if iso in UN_OBSERVERS else "other"
        raw = {k: e[k] for k in ("name", "official_name", "common_name") if k in e}
        raw_ru = {k: clean_ru(ru.gettext(v), v) for k, v in raw.items()}
        en_name = natural_order(raw.get("common_name") or raw["name"])
        ru_name = raw_ru.get("common_name") or raw_ru.get("name")
        forms_en, forms_ru = [], []
        for k in ("official_name", "name"):
            v = natural_order(raw.get(k))
            if v and "(" not in v and v != en_name and v not in forms_en:
                forms_en.append(v)
            w = raw_ru.get(k)
            if w and "(" not in w and w != ru_name and w not in forms_ru:
                forms_ru.append(w)
        rec = {"iso": iso, "status": status, "en": {"name": en_name, "forms": forms_en},
               "ru": {"name": ru_name, "forms": forms_ru},
               "raw": {"en": raw, "ru": {k: v for k, v in raw_ru.items() if v}}}
        out.append(rec)

    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        for rec in out:
            f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    n = sum(r["status"] != "other" for r in out)
    print(f"{args.output}: {len(out)} ISO 3166-1 entries, {n} UN members and observers", file=sys.stderr)


if __name__ == "__main__":
    main()
