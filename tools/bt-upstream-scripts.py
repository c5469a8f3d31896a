#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bpfcheck on the scripts bpftrace ships, each tag at its own profile.

For every tag given, reads tools/*.bt (and, with --runtime, the
tests/runtime/scripts/*.bt) from a bpftrace git directory, checks them with
`bpfcheck check --bpftrace <the tag's minor version>` (HEAD: head) against
the kernel BTF of this machine, and prints per tag: the files, the errors
(BC100 syntax, BC102 semantic, BC304/BC305 map mismatches: what that bpftrace
would refuse), and the probes without a stack figure (BC205). A script that
really uses a struct field this kernel lacks is still an error; the listing
(-v) says which message each file got so that such a fact can be told apart.

    tools/bt-upstream-scripts.py GITDIR TAG... [--bin build/bpfcheck]
                                 [--runtime] [-v]

Exit status: 0, or 1 when bpfcheck crashed on a script.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ERROR_RULES = ("BC100", "BC102", "BC303", "BC304", "BC305")


def git(gd, *a):
    return subprocess.run(["git", "--git-dir", gd, *a], capture_output=True,
                          check=True).stdout.decode("utf-8", "replace")


def profile_of(tag):
    m = re.match(r"v?0\.(\d+)", tag)
    return f"0.{m.group(1)}" if m else "head"


def diags(rep):
    if isinstance(rep, dict):
        if "rule" in rep and "severity" in rep:
            yield rep
        for v in rep.values():
            yield from diags(v)
    elif isinstance(rep, list):
        for v in rep:
            yield from diags(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gitdir")
    ap.add_argument("tags", nargs="+")
    ap.add_argument("--bin", default="build/bpfcheck")
    ap.add_argument("--runtime", action="store_true")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    gd = args.gitdir
    if os.path.isdir(os.path.join(gd, ".git")):
        gd = os.path.join(gd, ".git")
    crashed = False
    for tag in args.tags:
        dirs = ["tools"] + (["tests/runtime/scripts"] if args.runtime else [])
        paths = [p for p in git(gd, "ls-tree", "-r", "--name-only", tag, *dirs)
                 .split("\n") if p.endswith(".bt") and "/old/" not in p]
        work = tempfile.mkdtemp(prefix="bt-scripts.")
        files = []
        for p in paths:
            dst = os.path.join(work, p.replace("/", "_"))
            with open(dst, "w") as f:
                f.write(git(gd, "show", f"{tag}:{p}"))
            files.append((p, dst))
        prof = profile_of(tag)
        nerr = nfiles_err = nprobes = nostack = 0
        for p, dst in files:
            r = subprocess.run([args.bin, "check", "--no-config", "-f", "json",
                                "--bpftrace", prof, dst], capture_output=True,
                               env=dict(os.environ, NO_COLOR="1"))
            if r.returncode < 0 or r.returncode > 3:
                crashed = True
                print(f"  CRASH {p}: exit {r.returncode}")
                continue
            try:
                rep = json.loads(r.stdout)
            except ValueError:
                print(f"  {p}: no report (exit {r.returncode}) "
                      f"{r.stderr.decode()[:200]}")
                continue
            errs = [d for d in diags(rep) if d["rule"] in ERROR_RULES
                    and d["severity"] == "error"]
            ns = [d for d in diags(rep) if d["rule"] == "BC205"]
            for fl in rep.get("files", []):
                nprobes += len(fl.get("programs", []))
                if fl.get("status") != "ok":
                    errs.append({"rule": "-", "message": fl.get("status")})
            nerr += len(errs)
            nfiles_err += bool(errs)
            nostack += len(ns)
            if args.v:
                for d in errs:
                    print(f"  {p}:{d.get('span', {}).get('line', '?')}: "
                          f"{d['rule']} {d['message']}")
                for d in ns:
                    print(f"  {p}:{d.get('span', {}).get('line', '?')}: "
                          f"BC205 {d['message']}")
        print(f"{tag} --bpftrace {prof}: {len(files)} scripts, {nerr} errors "
              f"in {nfiles_err} files, {nprobes} probes, {nostack} without a "
              f"stack figure")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
