#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Joins bench/fidelity.sh's per-script results into the fidelity table.

Input: a TSV manifest, one line per script:
    LABEL  BPFTRACE_STATUS  OBJ_JSON  SCRIPT_JSON
BPFTRACE_STATUS is "ok" (OBJ_JSON is `bpfcheck stack -f json` of bpftrace's
own object) or "refused" (bpftrace stopped at the stack limit: no object).
SCRIPT_JSON is `bpfcheck stack -f json --bpftrace 0.17` of the script.

Prints one row per probe (bpftrace's frame, bpfcheck's, the difference,
the verdicts) and the summary against the bar: the same verdict on every
probe, exact on at least 90%, within 16 bytes on all.
"""
import fnmatch
import json
import os
import sys

LIMIT = 512
EXACT_BAR = 0.90
NEAR_BAR = 16


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def programs(report):
    """name -> (frame, limit) of the first file's programs; None when the
    input was not analysed (and why)."""
    if not report or not report.get("files"):
        return None, "no report"
    f = report["files"][0]
    if f.get("status") != "ok" and not f.get("programs"):
        return None, f.get("error", "error")
    out = {}
    for p in f.get("programs", []):
        st = p.get("stack") or {}
        out[p["name"]] = (st.get("bytes"), st.get("limit") or LIMIT)
    return out, None


def ap_match(ours, theirs):
    """Does bpfcheck's attach point OURS (as written: a wildcard, a library
    name) stand for bpftrace's THEIRS (expanded, library path resolved)?"""
    if fnmatch.fnmatchcase(theirs, ours):
        return True
    o, t = ours.split(":"), theirs.split(":")
    if len(o) != len(t) or o[0] != t[0] or o[0] not in ("uprobe", "uretprobe", "usdt"):
        return False
    lib, path = o[1], t[1]
    return (os.path.basename(path).startswith(lib) and
            all(fnmatch.fnmatchcase(a, b) for a, b in zip(t[2:], o[2:])))


def name_match(ours, theirs):
    o, t = ours.split(","), theirs.split(",")
    return len(o) == len(t) and all(ap_match(a, b) for a, b in zip(o, t))


def verdict(frame, limit):
    return "OVER" if frame > limit else "ok"


def main():
    rows = []
    notes = []
    reasons = []
    for line in open(sys.argv[1]):
        label, status, obj_json, script_json = line.rstrip("\n").split("\t")
        report = load(script_json)
        ours, why = programs(report)
        for d in (report or {}).get("diagnostics", []):
            if d.get("rule") == "BC205":
                sp = d.get("span") or {}
                reasons.append(f"{label}:{sp.get('line', 0)}: {d.get('message')}")
        if status == "ok":
            theirs, twhy = programs(load(obj_json))
            if theirs is None:
                notes.append(f"{label}: bpfcheck could not read bpftrace's object ({twhy})")
                continue
        else:
            # refused at the stack limit: every probe bpfcheck sees is one
            # bpftrace would not load (the message names only the first)
            theirs = {name: ("refused", LIMIT) for name in (ours or {})} or \
                {"(whole script)": ("refused", LIMIT)}
        used = set()
        for name in theirs:
            b = theirs[name][0]
            o = None
            shown = name
            if ours is not None and name in ours:
                o = ours[name][0]
                used.add(name)
            elif ours:
                # bpftrace expanded a wildcard or resolved a library path;
                # bpfcheck's function is named as the script wrote it
                for cand in ours:
                    if cand not in theirs and name_match(cand, name):
                        o = ours[cand][0]
                        used.add(cand)
                        shown = "~" + name
                        break
            rows.append((label, shown, b, o, why if ours is None else None))
        for name in (ours or {}):
            if name not in theirs and name not in used:
                rows.append((label, name, None, ours[name][0], None))

    print(f"{'script':<24} {'probe':<52} {'bpftrace':>8} {'bpfcheck':>8} {'diff':>5}  verdict")
    n = exact = within = same = compared = 0
    maxdiff = 0
    misses = []
    for label, name, b, o, why in rows:
        bs = "refused" if b == "refused" else ("-" if b is None else str(b))
        os_ = "n/a" if o is None else str(o)
        diff = ""
        vb = "OVER" if b == "refused" else (verdict(b, LIMIT) if b is not None else "?")
        vo = verdict(o, LIMIT) if o is not None else "?"
        if b is not None and o is not None:
            compared += 1
            same += vb == vo
            if vb != vo:
                misses.append(f"{label} {name}: verdict {vb} (bpftrace) vs {vo} (bpfcheck)")
            if b != "refused":
                n += 1
                d = o - b
                diff = f"{d:+d}"
                exact += d == 0
                within += abs(d) <= NEAR_BAR
                maxdiff = max(maxdiff, abs(d))
                if d:
                    misses.append(f"{label} {name}: bpfcheck {o} vs bpftrace {b} ({d:+d})")
        v = f"{vb}/{vo}" if o is not None else vb
        print(f"{label:<24} {name[:52]:<52} {bs:>8} {os_:>8} {diff:>5}  {v}")
    print()
    if any(r[1].startswith("~") for r in rows):
        print("~: bpftrace expanded a wildcard or resolved a library path; bpfcheck names the probe as written")
    if not compared:
        print("bpfcheck frames for scripts: n/a (the script front end produced no programs)")
        for label, name, b, o, why in rows:
            if why:
                print(f"  {label}: {why}")
                break
    else:
        pct = 100.0 * exact / n if n else 0.0
        print(f"probes compared: {compared} (frames on both sides: {n}; refused by bpftrace: {compared - n})")
        print(f"same verdict: {same}/{compared}   exact: {exact}/{n} ({pct:.1f}%)   "
              f"within {NEAR_BAR} bytes: {within}/{n}   max |diff|: {maxdiff}")
        ok = same == compared and n and exact >= EXACT_BAR * n and within == n
        print(f"bar (same verdict everywhere, exact >= {EXACT_BAR:.0%}, within {NEAR_BAR} bytes on all): "
              f"{'met' if ok else 'NOT met'}")
        missing = sum(1 for r in rows if r[2] is not None and r[3] is None)
        if missing:
            print(f"probes without a bpfcheck frame: {missing}")
        for m in misses:
            print(f"  miss: {m}")
        for m in reasons:
            print(f"  no frame (BC205): {m}")
    for m in notes:
        print(f"  note: {m}")


if __name__ == "__main__":
    main()
