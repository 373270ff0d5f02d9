#!/usr/bin/env bash
# ctest: runs the independent question set's scorer (../shared/eval, written by people who never saw
# Hallpass) on the built binary and fails below the floor: hit@3 0.85, verdict accuracy 0.75, or any
# unsafe `allowed` (where the acceptable verdicts are needs_approval, prohibited or report). The
# targets are higher (docs/policy-answers.md); this only stops a change that makes answers worse.
# The verdict floor is issue 15's 0.75; the engine reaches more on the whole set (docs/policy-answers.md).
# Raise it with the verdict work, never lower it.
# Exits 77 (skipped) when the question set is not beside the checkout.
set -euo pipefail
binary=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
eval_dir=${HALLPASS_EVAL_DIR:-$here/../shared/eval}
if [[ ! -f "$eval_dir/score_policy_answers.py" ]]; then
  echo "policy answers floor: no question set at $eval_dir; skipped (set HALLPASS_EVAL_DIR)"
  exit 77
fi
out=$(HALLPASS_EVAL_DIR="$eval_dir" "$here/scripts/eval-policy-answers.sh" "$binary" all)
echo "$out"
python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
summary = re.search(r"hit@3=([\d.]+) no_answer_acc=([\d.]+) verdict_acc=([\d.]+)", out)
unsafe = re.search(r"unsafe_allowed=(\d+)", out)
if not summary or not unsafe:
    sys.exit("policy answers floor: the scorer printed no summary")
hit3, _, verdict = map(float, summary.groups())
problems = []
if hit3 < 0.85: problems.append(f"hit@3 {hit3:.3f} < 0.85")
if verdict < 0.75: problems.append(f"verdict accuracy {verdict:.3f} < 0.75")
if int(unsafe.group(1)) > 0: problems.append(f"{unsafe.group(1)} unsafe `allowed` answers")
if problems:
    sys.exit("policy answers floor: " + "; ".join(problems))
print("policy answers floor: met")
PY
