#!/usr/bin/env bash
# A package installed by hand passes a local build and breaks `make run` on a
# fresh Debian 12 machine (issue 14). This test fails, naming the package,
# when the build or the tests use a Debian package that scripts/install-deps
# neither names nor pulls in:
#   - headers the compiler read and libraries the binaries load, by
#     ../shared/tools/check-install-deps (dependency files and ldd);
#   - what no compiler sees: the data the binary reads at run time and the
#     programs the tests start, each mapped to its package with dpkg -S.
# And it shows that the check can fail: on a copy of the script with one
# needed package taken out, the check names that package.
# Usage: tests/install_deps_test.sh REPO_ROOT BUILD_DIR
set -uo pipefail
root=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
source "$(dirname "$0")/lib.sh"
tool=$root/../shared/tools/check-install-deps
script=$root/scripts/install-deps

if [[ ! -x $tool ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL $tool not found: CI always has ../shared"
    exit 1
  fi
  echo "skipped: $tool not found (../shared is not beside this clone)"
  exit 0
fi

cd "$root" || exit 1
"$tool" --build "$build" --script "$script" >"$tmp/check.out" 2>&1
status=$?
cat "$tmp/check.out"
check "every package the build compiles and links against comes from scripts/install-deps" test $status -eq 0

# The same check on a copy of the script without one package the build needs.
for needed in libhowardhinnant-date-dev libsodium-dev; do
  sed "s/\b$needed\b//" "$script" >"$tmp/install-deps.without"
  "$tool" --build "$build" --script "$tmp/install-deps.without" >"$tmp/without.out" 2>&1
  status=$?
  check "without $needed in the script the check fails, naming it" \
    bash -c "[[ $status -eq 1 ]] && grep -q '^  $needed ' '$tmp/without.out'"
done

# Run-time data and the programs the tests start: files no compiler reads.
runtime_files=(
  /usr/share/zoneinfo/Europe/Moscow          # the digest's send time (date-tz reads the system's tzdata)
  /usr/share/hunspell/ru_RU.dic              # Russian word forms in search
  /usr/sbin/update-ca-certificates           # ca-certificates: https feeds, SMTP over TLS (its bundle is generated, not packaged)
)
test_programs=(curl nginx wrk chromium python3 node npm clang pkill psql apertium-apy)
test_files=(
  /usr/lib/python3/dist-packages/aiosmtpd/__init__.py   # the mail tests' SMTP server
  /usr/share/apertium/modes/eng-spa.mode               # the editions test's language pair
)
# The system's programs, as the tests start them (not a python3 or node of
# another installation that comes first on PATH).
for p in "${test_programs[@]}"; do
  f=""
  for d in /usr/bin /usr/sbin /bin /sbin; do [[ -x $d/$p ]] && { f=$d/$p; break; }; done
  if [[ -n $f ]]; then test_files+=("$(readlink -f "$f")"); else test_files+=("(program $p)"); fi
done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
test_files+=("${pg_bin:-/usr/lib/postgresql}/initdb")

runtime_check() {  # runtime_check SCRIPT: each file above comes from a package SCRIPT brings
python3 - "$1" "${runtime_files[@]}" -- "${test_files[@]}" <<'PY'
import re, subprocess, sys

args = sys.argv[2:]
split = args.index("--")
build_files, test_files = args[:split], args[split + 1:]
script = open(sys.argv[1], encoding="utf-8").read()

def words(text):
    return set(re.findall(r"[a-z0-9][a-z0-9.+-]+", text))

def section(name):
    m = re.search(name + r"=\(\n(.*?)\n\)", script, re.S)
    return words(re.sub(r"#.*", "", m.group(1))) if m else set()

def closure(pkgs):
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--installed", "--no-recommends", "--no-suggests",
                          "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *sorted(pkgs)],
                         capture_output=True, text=True).stdout
    seen = set(pkgs)
    for line in out.splitlines():
        line = line.strip().lstrip("|")
        m = re.match(r"^(?:Depends|PreDepends|Pre-Depends):\s*<?([a-z0-9][a-z0-9.+-]*)", line)
        if m: seen.add(m.group(1))
        elif re.match(r"^[a-z0-9][a-z0-9.+-]*$", line): seen.add(line)
    return {p.split(":")[0] for p in seen}

def owner(path):
    if path.startswith("(program "):
        return None
    for p in (path, path.replace("/usr/lib/", "/lib/", 1), path.replace("/lib/", "/usr/lib/", 1)):
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].split(",")[0].strip()
    return None

def required(pkg):  # on every Debian system, minbase included
    r = subprocess.run(["dpkg-query", "-W", "-f=${Priority} ${Essential}", pkg], capture_output=True, text=True)
    return r.stdout.startswith("required") or r.stdout.endswith("yes")

build = closure(section("build_packages"))
test = build | closure(section("test_packages") | {"nodejs", "npm"})
bad = 0
for files, brought, what in ((build_files, build, "build_packages"), (test_files, test, "build_ or test_packages")):
    for f in files:
        pkg = owner(f)
        if pkg is None:
            print(f"  {f}: not installed here, so its package cannot be checked")
            bad += 1
        elif pkg not in brought and not required(pkg):
            print(f"  {pkg}  (for {f}): not named in {what} nor pulled in by one that is")
            bad += 1
        else:
            print(f"  ok {f} ({pkg})")
sys.exit(1 if bad else 0)
PY
}
runtime_check "$script" >"$tmp/runtime.out" 2>&1
status=$?
cat "$tmp/runtime.out"
check "the run-time data and the test tools come from scripts/install-deps" test $status -eq 0
sed 's/\bhunspell-ru\b//' "$script" >"$tmp/install-deps.without"
runtime_check "$tmp/install-deps.without" >"$tmp/without.out" 2>&1
status=$?
check "without hunspell-ru in the script the run-time check fails, naming it" \
  bash -c "[[ $status -eq 1 ]] && grep -q '^  hunspell-ru ' '$tmp/without.out'"

finish
