#!/usr/bin/env python3
"""The Helm chart holds together without a cluster: its files parse, every value a template reads
is in values.yaml, every secret it names is one Hallpass reads, and every block a template opens is
closed. Where `helm` is installed it also lints and renders the chart, and checks that the chart
refuses two workers on one SQLite file."""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

root = pathlib.Path(sys.argv[1])
chart = root / "deploy/helm/hallpass"
problems = []

meta = yaml.safe_load((chart / "Chart.yaml").read_text())
if meta.get("apiVersion") != "v2" or meta.get("name") != "hallpass":
    problems.append("Chart.yaml: apiVersion must be v2 and name hallpass")
values = yaml.safe_load((chart / "values.yaml").read_text())


def resolves(path):
    node = values
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


opener = re.compile(r"\{\{-?\s*(if|range|with|define)\b")
closer = re.compile(r"\{\{-?\s*end\s*-?\}\}")
for template in sorted((chart / "templates").iterdir()):
    text = template.read_text()
    for path in sorted(set(re.findall(r"\.Values\.([A-Za-z0-9_.]+)", text))):
        if not resolves(path):
            problems.append(f"{template.name}: .Values.{path} is not in values.yaml")
    if len(opener.findall(text)) != len(closer.findall(text)):
        problems.append(f"{template.name}: {len(opener.findall(text))} blocks opened, {len(closer.findall(text))} closed")
    if text.count("{{") != text.count("}}"):
        problems.append(f"{template.name}: unbalanced {{{{ }}}}")

# Every secret the values name must be one the code reads or the configuration documents ask for.
values_text = (chart / "values.yaml").read_text()
sources = (root / "config/sample-district.yaml").read_text()
for page in (root / "docs").glob("*.md"):
    sources += page.read_text()
for folder in ("app", "adapters", "bot"):
    for f in (root / folder).rglob("*.[ch]pp"):
        sources += f.read_text(errors="replace")
for name in sorted(set(re.findall(r"\b((?:SLACK|TEAMS|MATRIX|HALLPASS)_[A-Z_]+)\b", values_text))):
    if name not in sources:
        problems.append(f"values.yaml names the secret {name}, which Hallpass never reads")

helm = shutil.which("helm")
if helm:
    district = (root / "config/sample-district.yaml").read_text()
    with tempfile.TemporaryDirectory() as work:
        good = pathlib.Path(work, "good.yaml")
        good.write_text(yaml.safe_dump({"districtConfig": district}))
        for args in (["lint", str(chart), "-f", str(good)], ["template", "t", str(chart), "-f", str(good)]):
            run = subprocess.run([helm, *args], capture_output=True, text=True)
            if run.returncode != 0:
                problems.append(f"helm {args[0]}: {run.stderr.strip()}")
        run = subprocess.run([helm, "template", "t", str(chart), "-f", str(good), "--set", "replicaCount=2"],
                             capture_output=True, text=True)
        if run.returncode == 0 or "needs database.kind: postgres" not in run.stderr:
            problems.append("two workers on one SQLite file were not refused")
        # County mode: the workers run the folder mounted from the ConfigMap, probed as before.
        county = ["--set", "county.enabled=true", "--set", "county.configMap=sierra-county"]
        run = subprocess.run([helm, "template", "t", str(chart), *county], capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"helm template (county): {run.stderr.strip()}")
        else:
            deployment = next(d for d in yaml.safe_load_all(run.stdout) if d and d.get("kind") == "Deployment")
            pod = deployment["spec"]["template"]["spec"]
            container = pod["containers"][0]
            if container["args"][:3] != ["run", "--districts", "/etc/hallpass/county"]:
                problems.append(f"county mode runs {container['args']}, not run --districts /etc/hallpass/county")
            if {"name": "config", "configMap": {"name": "sierra-county"}} not in pod["volumes"]:
                problems.append("county mode does not mount county.configMap")
            if container["readinessProbe"]["httpGet"]["path"] != "/readyz":
                problems.append("county mode's readiness is not /readyz (the store answers)")
        run = subprocess.run([helm, "template", "t", str(chart), "--set", "county.enabled=true"],
                             capture_output=True, text=True)
        if run.returncode == 0 or "county.configMap or county.secret" not in run.stderr:
            problems.append("county mode without its folder was not refused")
else:
    print("helm is not installed: lint and render not run (the checks above still ran)")

for p in problems:
    print("FAIL:", p)
if problems:
    sys.exit(1)
print("helm chart: files parse, values resolve, secrets are Hallpass's, blocks close")
