#!/usr/bin/env bash
# The figures of BENCHMARKS.md, ours and the reference app's, in one run. Needs python3 and
# the harness in ../shared/bench (beside the repository). Usage: benches/run.sh [OUT_DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bench="$repo/../shared/bench"
out="${1:-/tmp/vse-bench}"
rm -rf "$out" && mkdir -p "$out"
cd "$repo"
cargo build --release --quiet
bin="$repo/target/release/vse-assess"
# The reference: a minimal ratatui list app, built outside the repository.
cp -r "$bench/ratatui-min" "$out/"
(cd "$out/ratatui-min" && cargo build --release --quiet)

pty() { # label, keys, command...
  local label="$1" keys="$2"; shift 2
  python3 "$bench/ptybench.py" --clean-env --env LANG=C.UTF-8 --repeat 5 --warmup 1 --idle 10 \
    --keys "$keys" --quit 'text:"q"' --label "$label" --json "$out/$label.json" --no-table -- "$@"
}
keys='RIGHT DOWN*5 text:"t" text:"Passwords rotate 90d" ESC'

# 25 requirements: the shipped profile.
"$bin" new "$out/a.toml" --vse "Bench VSE" > /dev/null
pty ratatui-min 'DOWN*5' "$out/ratatui-min/target/release/ratatui-min"
pty vse-25 "$keys" "$bin" interview "$out/a.toml"

# Generated profiles: 200 requirements with 2,000 evidence items (a large real profile), and
# 2,500 and 5,000 requirements with 25,000 and 50,000 (the guard). The generator writes
# schema 2 records.
scale() { # processes, evidence items
  local dir="$out/s$1" && mkdir -p "$dir"
  python3 "$bench/scale_questionnaire.py" questionnaires/iso29110-4-2-om.toml "$1" "$dir" > /dev/null
  (cd "$dir" && "$bin" new r.toml --vse Big --questionnaire scale > /dev/null \
    && python3 "$bench/scale_record.py" r.toml "$1" "$2" && "$bin" validate r.toml > /dev/null)
}
scale 8 2000
scale 100 25000
scale 200 50000
pty vse-200 "$keys" "$bin" interview "$out/s8/r.toml"
pty vse-5000 "$keys" "$bin" interview "$out/s200/r.toml"

# Long notes: 200 KB on every requirement (5 MB, 2,000 evidence items), and 500 KB on the
# requirement the keys type into (7.2.g) and on the first, short notes elsewhere. The keys
# also move about inside the note.
notes_keys='RIGHT DOWN*5 text:"t" text:"Passwords rotate 90d" UP*5 DOWN*5 ESC'
python3 "$bench/gen_long.py" "$out/long.toml" 2000 5000000 reports/example-assessment.toml
python3 - reports/example-assessment.toml "$out/long500.toml" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
line = "Interview with the project manager, 2026-11-16: showed the plan, version table and minutes; sampled 3 of 14 records. "
def notes(k):
    out, size, n = [], 0, 0
    while size < 500_000:
        l = f"{k}.{n}: {line}"; out.append(l); size += len(l) + 1; n += 1
    return "\n".join(out)
short = re.compile(r'(?m)^notes = "(?:[^"\\]|\\.)*"\n')
def table(m):
    head, rid, body = m.group(1), m.group(2), m.group(3)
    if rid not in ("7.2.a", "7.2.g"):
        return m.group(0)
    return head + f'notes = """\n{notes(rid)}"""\n' + short.sub("", body, count=1)
text = re.sub(r'(\[requirements\."([0-9.a-g]+)"\]\n)((?:(?!\[).*\n)*)', table, src)
open(sys.argv[2], "w").write(text)
PY
"$bin" validate "$out/long.toml" "$out/long500.toml" > /dev/null
pty vse-long-200k "$notes_keys" "$bin" interview "$out/long.toml"
pty vse-long-500k "$notes_keys" "$bin" interview "$out/long500.toml"

python3 "$bench/ptybench.py" --compare "$out/ratatui-min.json" "$out/vse-25.json" "$out/vse-200.json" \
  "$out/vse-5000.json" "$out/vse-long-200k.json" "$out/vse-long-500k.json" --markdown

echo
echo "| report | run 1 | run 2 | run 3 | run 4 | run 5 |"
echo "|---|---|---|---|---|---|"
report() { # label, dir, record
  local times=()
  for _ in 1 2 3 4 5; do
    times+=("$( { /usr/bin/time -f '%e' "$bin" report "$3" > /dev/null; } 2>&1 )")
  done
  echo "| $1 | ${times[*]// / | } s |"
}
report "25 requirements (example)" . reports/example-assessment.toml
(cd "$out/s8" && report "200 / 2,000 evidence" . r.toml)
(cd "$out/s100" && report "2,500 / 25,000 evidence" . r.toml)
(cd "$out/s200" && report "5,000 / 50,000 evidence" . r.toml)

# A portfolio of 1,000 records of the shipped profile (20-300 evidence items each, 47 MB), and
# of 10,000: `portfolio` over the folder, wall time and peak RSS of each of 5 runs.
echo
echo "| portfolio | run 1 | run 2 | run 3 | run 4 | run 5 | peak RSS (max) |"
echo "|---|---|---|---|---|---|---|"
portfolio() { # label, folder
  local times=() peak=0 line
  for _ in 1 2 3 4 5; do
    line="$( { /usr/bin/time -f '%e %M' "$bin" portfolio "$2" > /dev/null; } 2>&1 | tail -1 )"
    times+=("${line% *}")
    (( ${line#* } > peak )) && peak=${line#* }
  done
  echo "| $1 | ${times[*]// / | } s | $((peak / 1024)) MB |"
}
for n in 1000 10000; do
  python3 "$bench/gen_portfolio.py" "$out/portfolio-$n" "$n" reports/example-assessment.toml
  portfolio "$n records" "$out/portfolio-$n"
done
