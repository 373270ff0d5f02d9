#!/usr/bin/env python3
"""Adds staff-worded questions to the clauses they ask about, as data beside the policy documents.

Each input line is a JSON object as written by someone who read only the policy documents:
  {"question": …, "lang": "en"|"es", "unanswerable": bool, "verdict": [...],
   "expect": [{"doc": <policy file name>, "quote": <verbatim words of the clause that answers it>}]}
For every answerable line, the clause passage(s) whose text contains an expect quote (whitespace
collapsed; or a passage that is mostly a fragment of a longer quote, the rule the eval scorer uses)
get the question, in English or Spanish as the line says, with its own verdict: the line's first
verdict, the one its writer names first where several are acceptable (cross-validation by clause
+2 and tune +1 over giving none to such lines; the most cautious of them: +1 and ±0). Passages are
found by asking Hallpass itself for the quote (`hallpass ask --json` names each passage's id), so
the ids are exactly those of the questions files.

The questions go to `<policies>/<document>.staff-questions.yaml`, beside `<document>.questions.yaml`
(format: docs/policy-answers.md, "Staff questions"). The files are rewritten from the inputs each
run, so re-running is safe. Questions already in a clause's questions file are not repeated.

  scripts/import-clause-questions.py [--binary build/hallpass] [--config FILE]
      [--policies config/policies] [--fold K --folds N] [--held-out OUT] FILE.jsonl…

--fold K --folds N imports every line but each N-th from the K-th (lines i with i % N != K) and,
with --held-out, writes the K-th fold's lines to OUT (for cross-validation).
Prints how many questions went where and every quote no passage holds.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter

_PUNCT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                        "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def norm(s):
    s = unicodedata.normalize("NFKC", s or "").translate(_PUNCT)
    return re.sub(r"\s+", " ", s).strip().lower()


def holds(passage, quote):
    """The passage holds the quote, or is mostly (>= 60% of its words, at least 6) a fragment of it:
    a quote that runs over two clauses belongs to both."""
    q, p = norm(quote), norm(passage)
    if not q or not p:
        return False
    if q in p:
        return True
    qw, pw = Counter(re.findall(r"\w+", q)), Counter(re.findall(r"\w+", p))
    total = sum(pw.values())
    shared = sum(min(c, qw[w]) for w, c in pw.items())
    return total > 0 and shared >= min(6, sum(qw.values())) and shared / total >= 0.6


def ask(binary, config, text):
    cmd = [binary, "ask", "--json"] + (["--config", config] if config else []) + [text]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        sys.exit(f"import-clause-questions: `{' '.join(cmd[:3])} …` failed: {p.stderr.strip()}")
    return json.loads(p.stdout).get("passages") or []


def passages_for(binary, config, quote, cache):
    """Ids of the passages that hold the quote. The quote is asked as a social media question (so
    the subject filter never declines it), whole and sentence by sentence (a long quote may run
    over several clauses)."""
    if quote in cache:
        return cache[quote]
    asks = [quote] + [s for s in re.split(r"(?<=[.;:!?])\s+", quote) if len(s.split()) >= 4]
    found = []
    for text in dict.fromkeys(asks):
        for p in ask(binary, config, "social media policy: " + text):
            if p.get("id") and holds(p["text"], quote) and p["id"] not in found:
                found.append(p["id"])
    cache[quote] = found
    return found


def yaml_text(s):
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(s, ensure_ascii=False)


def existing_questions(path):
    """The questions already written in a questions file, normalized (a crude read: every line
    that is a list item or a {q: …} entry)."""
    have = set()
    if not os.path.exists(path):
        return have
    for line in open(path, encoding="utf-8"):
        m = re.match(r'\s*-\s*(?:\{q:\s*)?"?(.*?)"?(?:,\s*verdict:.*\})?\s*$', line)
        if m:
            have.add(norm(m.group(1)))
    return have


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--binary", default="build/hallpass")
    ap.add_argument("--config")
    ap.add_argument("--policies", default="config/policies")
    ap.add_argument("--fold", type=int)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--held-out")
    a = ap.parse_args()

    lines = []
    for f in a.inputs:
        lines += [l for l in open(f, encoding="utf-8").read().splitlines() if l.strip()]
    if a.fold is not None:
        held = [l for i, l in enumerate(lines) if i % a.folds == a.fold]
        lines = [l for i, l in enumerate(lines) if i % a.folds != a.fold]
        if a.held_out:
            open(a.held_out, "w", encoding="utf-8").write("\n".join(held) + "\n")

    cache, added, missing, seen = {}, {}, [], set()
    for line in lines:
        item = json.loads(line)
        if item.get("unanswerable") or not item.get("expect"):
            continue
        lang = "es" if item.get("lang") == "es" else "en"
        verdicts = item.get("verdict") or []
        entry = {"q": item["question"].strip(), "verdict": verdicts[0] if verdicts else None}
        for e in item["expect"]:
            ids = passages_for(a.binary, a.config, e["quote"], cache)
            if not ids:
                missing.append(e["quote"])
            for pid in ids:
                key = (pid, lang, norm(entry["q"]))
                if key in seen:
                    continue
                seen.add(key)
                added.setdefault(pid.split("#")[0], {}).setdefault(pid, {"en": [], "es": []})[lang].append(entry)

    # Rewrite every document's staff file (an empty one where nothing is added), so a rerun with
    # fewer lines leaves nothing stale behind.
    docs = sorted({f[: -len(".md")] for f in os.listdir(a.policies) if f.endswith(".md")})
    total = 0
    for doc in docs:
        path = os.path.join(a.policies, doc + ".staff-questions.yaml")
        clauses = added.get(doc, {})
        have = existing_questions(os.path.join(a.policies, doc + ".questions.yaml"))
        # Clauses in the order of the document's questions file, where it names them.
        order = [m.group(1) for m in re.finditer(r"^\s*- (?:\{)?id: ([^\s,}]+)", open(
            os.path.join(a.policies, doc + ".questions.yaml"), encoding="utf-8").read(), re.M)] \
            if os.path.exists(os.path.join(a.policies, doc + ".questions.yaml")) else []
        ids = sorted(clauses, key=lambda i: (order.index(i) if i in order else len(order), i))
        out = [f"# Questions staff asked about {doc}, each under the clause that answers it, in their own words.",
               "# Imported by scripts/import-clause-questions.py from questions written by a person who read",
               "# only the policy documents; a district adds its own the same way (docs/policy-answers.md).",
               "# These only add questions: each clause's verdict and words stay in " + doc + ".questions.yaml.",
               f"document: {doc}", "clauses:" + ("" if ids else " []")]
        for pid in ids:
            out.append(f"  - id: {pid}")
            for lang in ("en", "es"):
                qs = [q for q in clauses[pid][lang] if norm(q["q"]) not in have]
                if not qs:
                    continue
                out.append(f"    {lang}:")
                for q in qs:
                    total += 1
                    out.append(f"      - {{q: {yaml_text(q['q'])}, verdict: {q['verdict']}}}" if q["verdict"]
                               else f"      - {yaml_text(q['q'])}")
        open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
        print(f"{path}: {len(ids)} clauses")
    print(f"import-clause-questions: {total} questions from {len(lines)} lines; {len(missing)} quotes no passage holds")
    for q in missing:
        print(f"  no passage holds: {q[:100]}")


if __name__ == "__main__":
    main()
