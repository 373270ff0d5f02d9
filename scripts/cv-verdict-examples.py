#!/usr/bin/env python3
"""Cross-validation of the policy answers on config/verdict_examples.jsonl, by clause.

The examples are imported as staff questions (scripts/import-clause-questions.py), so scoring them
against the shipped files measures recall of what was imported. Here each fold holds out every
example about a group of clauses (the first passage its first quote falls in; unanswerable lines
by the question), imports the other folds' examples into a copy of the policy folder, and asks
the held-out questions: the held-out clauses keep only their writers' questions and their text,
as for a situation nobody has written yet. The split is fixed (SHA-1 of the clause id), so runs
compare. Prints hit@1, hit@3, declined, no-answer accuracy, verdict accuracy and unsafe `allowed`
for all, en and es.

  scripts/cv-verdict-examples.py [--binary build/hallpass] [--folds 5] [--examples FILE]
      [--show-misses] [--json OUT] [--learned] [--keep-fold K]

--learned trains the learned verdict (docs/policy-answers.md) on the other folds too.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def fold_of(key, folds):
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % folds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/hallpass")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--examples", default=os.path.join(ROOT, "config/verdict_examples.jsonl"))
    ap.add_argument("--scorer", default=os.path.join(ROOT, "../shared/eval/score_policy_answers.py"))
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--keep-fold", type=int, metavar="K",
                    help="run only fold K and keep its config folder (printed), to ask its questions by hand")
    ap.add_argument("--learned", action="store_true",
                    help="also train the learned verdict on the other folds (verdict_examples.jsonl beside the documents)")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    imp = load_module("import_clause_questions", os.path.join(ROOT, "scripts/import-clause-questions.py"))
    scorer = load_module("score_policy_answers", a.scorer)

    lines = [l for l in open(a.examples, encoding="utf-8").read().splitlines() if l.strip()]
    items = [json.loads(l) for l in lines]
    cache = {}
    # Which clause each line is about: the passages its quotes fall in, asked once of the shipped
    # documents (the passage ids do not depend on the questions files).
    # The cache is named by the documents' text, so a changed document never reads stale ids.
    docs = hashlib.sha1()
    src_docs = os.path.join(ROOT, "config/policies")
    for f in sorted(os.listdir(src_docs)):
        if f.endswith(".md"):
            docs.update(f.encode("utf-8") + open(os.path.join(src_docs, f), "rb").read())
    cache_file = os.path.join(tempfile.gettempdir(), f"hallpass-cv-quote-passages-{docs.hexdigest()[:12]}.json")
    if os.path.exists(cache_file):
        cache = json.load(open(cache_file, encoding="utf-8"))
    real_passages_for = imp.passages_for
    for it in items:
        for e in it.get("expect") or []:
            real_passages_for(binary, None, e["quote"], cache)
    json.dump(cache, open(cache_file, "w", encoding="utf-8"))
    imp.passages_for = lambda binary_, config, quote, c: cache[quote] if quote in cache else real_passages_for(
        binary_, config, quote, c)

    def group(it):
        if it.get("unanswerable") or not it.get("expect"):
            return "q:" + it["question"]
        ids = cache.get(it["expect"][0]["quote"]) or []
        return "c:" + (ids[0] if ids else it["expect"][0]["quote"])

    fold = [fold_of(group(it), a.folds) for it in items]
    rows = []
    work = tempfile.mkdtemp(prefix="hallpass-cv.")
    try:
        cfg_dir = os.path.join(work, "config")
        pol_dir = os.path.join(cfg_dir, "policies")
        os.makedirs(pol_dir)
        for f in os.listdir(os.path.join(ROOT, "config")):
            src = os.path.join(ROOT, "config", f)
            if os.path.isfile(src) and f != "verdict_examples.jsonl":
                os.symlink(src, os.path.join(cfg_dir, f))
        src_pol = os.path.join(ROOT, "config/policies")
        for f in os.listdir(src_pol):
            # The imported staff questions are rebuilt per fold; any other staff file stays.
            if not f.endswith(".staff-questions.yaml"):
                shutil.copy(os.path.join(src_pol, f), pol_dir)
        config = os.path.join(cfg_dir, "sample-district.yaml")
        for k in range(a.folds) if a.keep_fold is None else [a.keep_fold]:
            train = os.path.join(work, "train.jsonl")
            open(train, "w", encoding="utf-8").write(
                "\n".join(l for l, f in zip(lines, fold) if f != k) + "\n")
            if a.learned:
                # The learned verdict reads verdict_examples.jsonl beside the first document: only
                # the other folds, so a held-out question's own label never trains it.
                shutil.copy(train, os.path.join(pol_dir, "verdict_examples.jsonl"))
            argv = sys.argv
            sys.argv = ["import", "--binary", binary, "--policies", pol_dir, train]
            devnull = open(os.devnull, "w")
            stdout, sys.stdout = sys.stdout, devnull
            try:
                imp.main()
            finally:
                sys.stdout = stdout
                sys.argv = argv
            held = [it for it, f in zip(items, fold) if f == k]
            with ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(lambda it: scorer.ask(binary, config, it["question"]), held))
            for it, ans in zip(held, answers):
                rank = None if it["unanswerable"] else scorer.first_hit(it, ans)
                v = scorer.VERDICT_ALIASES.get(str(ans.get("verdict") or "").lower(), str(ans.get("verdict") or ""))
                ok = set(it.get("verdict") or [])
                rows.append({"id": it.get("id"), "fold": k, "lang": it.get("lang", "en"),
                             "unanswerable": bool(it.get("unanswerable")), "question": it["question"],
                             "rank": rank, "no_answer": bool(ans.get("no_answer")), "verdict": v,
                             "want": sorted(ok), "verdict_ok": (v in ok) if ok else None,
                             "unsafe": v == "allowed" and "allowed" not in ok and bool(
                                 ok & {"needs_approval", "prohibited", "report"}),
                             "top": [(p.get("id") or "") + " " + (p.get("text") or "")[:90]
                                     for p in (ans.get("passages") or [])[:3]],
                             "closest_only": bool(ans.get("closest_only")),
                             "error": ans.get("error")})
    finally:
        if a.keep_fold is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"fold {a.keep_fold}'s config: {config}", file=sys.stderr)

    def line(label, sub):
        ans_ = [r for r in sub if not r["unanswerable"]]
        una = [r for r in sub if r["unanswerable"]]
        ver = [r for r in ans_ if r["verdict_ok"] is not None]
        f = lambda n, d: f"{n / d:.3f} ({n}/{d})" if d else "n/a"
        print(f"{label:4} hit@1 {f(sum(1 for r in ans_ if r['rank'] == 1), len(ans_))}  "
              f"hit@3 {f(sum(1 for r in ans_ if r['rank'] and r['rank'] <= 3), len(ans_))}  "
              f"declined {sum(1 for r in ans_ if r['no_answer'])}/{len(ans_)}  "
              f"no-answer {f(sum(1 for r in una if r['no_answer']), len(una))}  "
              f"verdict {f(sum(1 for r in ver if r['verdict_ok']), len(ver))}  "
              f"unsafe {sum(1 for r in sub if r['unsafe'])}")

    print(f"{a.folds}-fold cross-validation by clause on {a.examples}")
    line("all", rows)
    line("en", [r for r in rows if r["lang"] == "en"])
    line("es", [r for r in rows if r["lang"] == "es"])
    if a.json:
        with open(a.json, "w", encoding="utf-8") as out:
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    if a.show_misses:
        for r in rows:
            if r["unanswerable"] and not r["no_answer"]:
                print(f"ANSWERED {r['id']}: {r['question']}\n    {r['top'][:1]}")
            elif not r["unanswerable"] and not (r["rank"] and r["rank"] <= 3):
                print(f"{'DECLINED' if r['no_answer'] else 'MISS'} {r['id']}: {r['question']}\n    "
                      + "\n    ".join(r["top"]))
        for r in rows:
            if r["verdict_ok"] is False:
                print(f"VERDICT {r['id']} said {r['verdict']} want {'|'.join(r['want'])}: {r['question']}")


if __name__ == "__main__":
    main()
