"""The Kubernetes and Slurm manifests in docs/grading.md: they parse, they are complete, and the command each shard
runs is one ``dlcourse grade`` accepts, with K and N where they belong.

Neither Kubernetes nor Slurm runs here, so each shard's command line is run by ``sh``/``bash`` with the variables
the scheduler sets and a stand-in ``dlcourse`` that parses its arguments with the real parser (``dlcourse/cli.py``,
loaded alone: no PyTorch import) and prints them.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "grading.md").read_text()

STAND_IN = f'''#!{sys.executable}
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("cli", {str(ROOT / "dlcourse" / "cli.py")!r})
cli = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cli)
argv = sys.argv[1:]
if argv[:2] == ["grade", "merge"]:
    a = cli.build_merge_parser().parse_args(argv[2:])
else:
    a = cli.build_parser().parse_args(argv)
print(json.dumps({{k: v for k, v in vars(a).items() if k != "func"}}))
'''


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", DOC, flags=re.S | re.M)


@pytest.fixture
def stand_in(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "dlcourse"
    exe.write_text(STAND_IN)
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def run_as(shell: list[str], script: str, env: dict, cwd: Path) -> dict:
    r = subprocess.run(shell + [script], capture_output=True, text=True, env={**os.environ, **env}, cwd=cwd,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_kubernetes_indexed_job_network_off_limits_and_its_command(tmp_path, stand_in):
    docs = [d for block in blocks("yaml") for d in yaml.safe_load_all(block) if d]
    policy = next(d for d in docs if d["kind"] == "NetworkPolicy")
    jobs = [d for d in docs if d["kind"] == "Job"]
    grade = next(j for j in jobs if j["spec"].get("completionMode") == "Indexed")
    merge = next(j for j in jobs if j is not grade)
    spec, pod = grade["spec"], grade["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    env = {e["name"]: e["value"] for e in c["env"]}
    n = int(env["SHARDS"])
    # one pod per shard, all at once
    assert spec["completions"] == spec["parallelism"] == n
    assert pod["restartPolicy"] == "Never"
    # the network off: the policy selects these pods and allows nothing either way
    labels = grade["spec"]["template"]["metadata"]["labels"]
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
    assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in policy["spec"] and "egress" not in policy["spec"]
    assert merge["spec"]["template"]["metadata"]["labels"] == labels
    # what bubblewrap needs inside a pod
    assert pod["hostUsers"] is False and c["securityContext"]["procMount"] == "Unmasked"
    assert pod["securityContext"]["runAsNonRoot"] is True
    # resource limits that hold --jobs x --memory
    limits = c["resources"]["limits"]
    assert limits["cpu"] and limits["memory"].endswith("Gi")
    # the shard's command, run as the pod would with JOB_COMPLETION_INDEX set
    assert c["command"] == ["sh", "-c"]
    args = run_as(["sh", "-c"], c["args"][0], {"PATH": f"{stand_in}:{os.environ['PATH']}",
                                                "JOB_COMPLETION_INDEX": "5", **env}, tmp_path)
    assert args["shard"] == f"5/{n}" and args["db"] == f"/gradebooks/gradebook-5-of-{n}.sqlite"
    assert args["submissions"] == ["/submissions"] and args["isolation"] == "bwrap"
    assert int(limits["memory"][:-2]) * 1024 >= args["jobs"] * args["memory"] + 512
    assert int(limits["cpu"]) >= args["jobs"]
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    assert mounts["/submissions"]["readOnly"] and not mounts["/gradebooks"].get("readOnly")
    assert {v["name"] for v in pod["volumes"]} == {m["name"] for m in c["volumeMounts"]}
    # the merge reads every shard's gradebook
    (m,) = merge["spec"]["template"]["spec"]["containers"]
    margs = run_as(["sh", "-c"], m["args"][0], {"PATH": f"{stand_in}:{os.environ['PATH']}"}, tmp_path)
    assert margs["gradebooks"] == [f"/gradebooks/gradebook-*-of-{n}.sqlite"]  # no file here: sh leaves the glob
    assert margs["csv"] and margs["feedback"]


def test_slurm_array_scripts_parse_and_run_each_shard(tmp_path, stand_in):
    scripts = [b for b in blocks("bash") if b.startswith("#!/bin/bash")]
    grade = next(s for s in scripts if "#SBATCH --array" in s)
    merge = next(s for s in scripts if "grade merge" in s)
    for block in blocks("bash"):
        r = subprocess.run(["bash", "-n"], input=block, capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr + block
    last = int(re.search(r"#SBATCH --array=0-(\d+)", grade).group(1))
    n = int(re.search(r"^N=(\d+)", grade, flags=re.M).group(1))
    assert n == last + 1
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "activate").write_text(f'export PATH="{stand_in}:$PATH"\n')
    env = {"DLCOURSE_VENV": str(venv), "SLURM_ARRAY_TASK_ID": "3", "SLURM_CPUS_PER_TASK": "2"}
    (tmp_path / "grade.sbatch").write_text(grade)
    args = run_as(["bash"], str(tmp_path / "grade.sbatch"), env, tmp_path)
    assert args["shard"] == f"3/{n}" and args["db"] == f"gradebooks/gradebook-3-of-{n}.sqlite"
    assert args["jobs"] == 2 and args["isolation"] == "bwrap"
    mem = int(re.search(r"#SBATCH --mem=(\d+)G", grade).group(1))
    assert mem * 1024 >= args["jobs"] * args["memory"] + 512
    (tmp_path / "merge.sbatch").write_text(merge)
    margs = run_as(["bash"], str(tmp_path / "merge.sbatch"), env, tmp_path)
    assert margs["gradebooks"] == [f"gradebooks/gradebook-*-of-{n}.sqlite"] and margs["csv"]
