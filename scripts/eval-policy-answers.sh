#!/usr/bin/env bash
# Scores the policy answers on the independent question set in ../shared/eval/ (written by people
# who never saw Hallpass), in its two parts: the questions looked at while tuning (every line but
# each fourth) and the held-out part (each fourth line, not looked at while tuning).
#   scripts/eval-policy-answers.sh [BINARY] [tune|holdout|all] [--show-misses]
# Prints the scorer's table for the part and the count of unsafe answers: `allowed` where the
# acceptable verdicts are needs_approval, prohibited or report.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-build/hallpass}
part=${2:-all}
shift $(( $# >= 2 ? 2 : $# ))
eval_dir=${HALLPASS_EVAL_DIR:-../shared/eval}
[[ -f "$eval_dir/policy_questions.jsonl" ]] || { echo "eval-policy-answers: no question set at $eval_dir (set HALLPASS_EVAL_DIR)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hallpass-eval.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 - "$eval_dir/policy_questions.jsonl" "$part" "$work/questions.jsonl" <<'PY'
import sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
part = sys.argv[2]
keep = [l for i, l in enumerate(lines) if part == "all" or (part == "holdout") == (i % 4 == 3)]
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(keep) + "\n")
PY
python3 "$eval_dir/score_policy_answers.py" "$binary" --questions "$work/questions.jsonl" --json "$work/answers.jsonl" "$@"
python3 - "$work/questions.jsonl" "$work/answers.jsonl" <<'PY'
import json, sys
want = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()}
unsafe = []
for l in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(l)
    ok = set(want[r["id"]].get("verdict") or [])
    if r["verdict"] == "allowed" and ok & {"needs_approval", "prohibited", "report"} and "allowed" not in ok:
        unsafe.append(r)
print(f"unsafe_allowed={len(unsafe)}")
for r in unsafe:
    print(f"  unsafe {r['id']}: {r['question']}")
PY
