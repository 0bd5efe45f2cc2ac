#!/usr/bin/env bash
# No include runs upward (issue 15): each folder of src/ includes only the
# folders src/README.md's "Who includes whom" table allows it. Fails naming
# the file and the include that breaks the layering.
# Usage: tests/include_layers_test.sh REPO_ROOT
set -uo pipefail
cd "$1/src" || exit 1
python3 - <<'PY'
import glob, re, sys
allowed = {
    "common": set(), "model": {"common"}, "store": {"common", "model"},
    "extract": {"common", "model"}, "render": {"common", "model"},
    "mentions": {"common", "model", "store"}, "search": {"common", "model", "store"},
    "import": {"common", "model", "store", "mentions"},
    "readers": {"common", "store"}, "translate": {"common", "store"}, "jobs": {"common", "store"},
    "mail": {"common"},
    "ingest": {"common", "model", "store", "extract", "mentions"},
    "digest": {"common", "store", "mail", "mentions", "readers", "render"},
    "web": {"common", "model", "store", "mail", "mentions", "readers", "render", "search", "digest"},
    "publish": {"common", "model", "store", "ingest"},  # issue 17, part 3: pings
    "cli": None,  # the top: anything
}
bad = checked = 0
for f in sorted(glob.glob("*/*.h") + glob.glob("*/*.cc") + glob.glob("*/*/*.h") + glob.glob("*/*/*.cc")):
    if "_test" in f or "/testing/" in f:
        continue
    folder = f.split("/")[0]
    if folder not in allowed:
        print(f"FAIL {f}: folder '{folder}' has no row in src/README.md's table"); bad += 1; continue
    for m in re.finditer(r'#include "([a-z_]+)/', open(f, encoding="utf-8").read()):
        checked += 1
        to = m.group(1)
        if to != folder and allowed[folder] is not None and to not in allowed[folder]:
            print(f"FAIL {f} includes {to}/: {folder} may include only {', '.join(sorted(allowed[folder])) or 'nothing'}")
            bad += 1
print(f"{checked - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
