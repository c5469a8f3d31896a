#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Stack figures checked against the IR bpftrace's own codegen tests record.

bpftrace's codegen tests (tests/codegen/*.cpp, with the IR in
tests/codegen/llvm/NAME.ll, from v0.20 to v0.24) pair a program with the
LLVM IR that release generated for it, before its optimiser (the tests dump
the module after generate_ir() and before optimize(); 0.24's pass manager
does the same with CreateDumpIRPass after CreateCompilePass, whose IR still
carries every lifetime marker and llvm.preserve.static.offset call). Those
files are bpftrace's real output, so they are a reference for the stack
figures bpfcheck models at that version.

For each (program, reference IR) pair at a tag this runner computes:

- the reference figure: `bpfcheck stack -f json --ir-optimize always
  NAME.ll` (the IR is bpftrace's before its optimiser, so the IR front end
  runs the same O3 pipeline and BPF backend a script's model goes through;
  its own test of whether IR was optimised misses IR whose every alloca
  escapes to a helper, docs/bpftrace-versions.md);
- bpfcheck's figure: `bpfcheck stack -f json --bpftrace 0.N PROG.bt`
  against upstream's mock types (tests/data/data_source.c of the tag,
  compiled with clang-19 -target bpf -g -O2 as tools/bt-conformance.py
  does), with the settings the test gives its mock as a config block;

and compares the frame of every probe function (matched by section name,
which bpftrace derives from the probe). It prints per tag: pairs found,
pairs compared, equal, different (both figures and the probe) and not
comparable (with the reason). Nothing of upstream's is written into this
repository: programs and IR are read from the checkout at run time.

    tools/bt-codegen-reference.py GITDIR TAG [--bin build/bpfcheck]
        [--ref-bin BIN] [--profile P] [--work DIR] [--jobs N]
        [--list KIND] [--json FILE]

Exit status: 0, or 1 when bpfcheck crashed on a program or a reference.
"""
import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "bt_conformance", os.path.join(HERE, "bt-conformance.py"))
btc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(btc)

REFUSE_RULES = btc.REFUSE_RULES
# settings a test gives its mock bpftrace that a config block can say
CONFIG_KEYS = ("on_stack_limit", "max_strlen", "strlen", "max_map_keys",
               "stack_mode", "perf_rb_pages", "log_size", "max_bpf_progs",
               "max_probes", "license")
# mock fields whose value in the test is the mock's default anyway
DEFAULT_FIELDS = {("helper_check_level_", "0"), ("safe_mode_", "true")}


def toks_text(toks):
    return "".join(t for _, t, _ in toks)


def split_plus(toks):
    parts, cur, depth = [], [], 0
    for t in toks:
        if t[0] == "punct" and t[1] in "([{":
            depth += 1
        elif t[0] == "punct" and t[1] in ")]}":
            depth -= 1
        if depth == 0 and t[0] == "punct" and t[1] == "+":
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return parts


def eval_value(toks, env):
    """A string or integer an argument expression spells, or None.

    Knows what the tests use: adjacent literals, `a + b`, std::string(x),
    NAME, integer literals and names bound earlier in `env`."""
    if not toks:
        return None
    parts = split_plus(toks)
    if len(parts) > 1:
        vals = [eval_value(p, env) for p in parts]
        if any(not isinstance(v, str) for v in vals):
            return None
        return "".join(vals)
    lit = btc.literal(toks)
    if lit is not None:
        return lit
    text = toks_text(toks)
    if len(toks) == 1 and toks[0][0] == "num":
        m = re.match(r"(\d+)", toks[0][1])
        return int(m.group(1)) if m else None
    if len(toks) == 1 and toks[0][0] == "ident":
        if toks[0][1] in ("true", "false"):
            return toks[0][1] == "true"
        return env.get(toks[0][1])
    m = re.match(r"^(?:std::)?string\((.*)\)$", text)
    if m and toks[-1][1] == ")":
        i = next(n for n, t in enumerate(toks) if t[1] == "(")
        return eval_value(toks[i + 1:-1], env)
    if text.startswith("std::") and len(toks) == 3 and toks[2][0] == "ident":
        return env.get(toks[2][1])
    return None


def matching(toks, i):
    """toks[i] opens a bracket; the index of the one closing it."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][0] == "punct" and toks[j][1] in "([{":
            depth += 1
        elif toks[j][0] == "punct" and toks[j][1] in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def statements(toks):
    """The `;`-separated statements of a token list, bracket-aware."""
    out, cur, depth = [], [], 0
    for t in toks:
        if t[0] == "punct" and t[1] in "([{":
            depth += 1
        elif t[0] == "punct" and t[1] in ")]}":
            depth -= 1
        if depth == 0 and t[0] == "punct" and t[1] == ";":
            out.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        out.append(cur)
    return out


def bind(stmt, env):
    """`[specifiers] NAME = EXPR` with an evaluable EXPR binds NAME."""
    for k, t in enumerate(stmt):
        if t[0] == "punct" and t[1] == "=":
            if k and stmt[k - 1][0] == "ident" and \
                    (k + 1 >= len(stmt) or stmt[k + 1][1] != "="):
                v = eval_value(stmt[k + 1:], env)
                if v is not None:
                    env[stmt[k - 1][1]] = v
            return


class Unit:
    """One source file: its helpers, file-level constants and tests."""

    def __init__(self, src):
        self.toks = btc.tokenize(src)
        self.env = {}
        self.helpers = {}   # name -> (params, body tokens)
        self.tests = []     # (name, fixture, body tokens)
        toks, i, outer = self.toks, 0, []
        while i < len(toks):
            kind, text, _ = toks[i]
            if kind == "ident" and text in ("TEST", "TEST_F") and \
                    i + 1 < len(toks) and toks[i + 1][1] == "(":
                close = matching(toks, i + 1)
                args, _ = btc.split_args(toks, i + 1)
                ob = close + 1
                cb = matching(toks, ob)
                self.tests.append((toks_text(args[1]), toks_text(args[0]),
                                   toks[ob + 1:cb]))
                i = cb + 1
                continue
            # a function definition: IDENT ( ... ) { ... } after `void`
            if kind == "ident" and i + 1 < len(toks) and \
                    toks[i + 1][1] == "(" and i and toks[i - 1][1] == "void":
                close = matching(toks, i + 1)
                if close + 1 < len(toks) and toks[close + 1][1] == "{":
                    args, _ = btc.split_args(toks, i + 1)
                    params = [a[-1][1] for a in args if a and a[-1][0] == "ident"]
                    cb = matching(toks, close + 1)
                    self.helpers[text] = (params, toks[close + 2:cb])
                    i = cb + 1
                    continue
            if kind == "punct" and text in "{}":
                i += 1
                continue
            outer.append(toks[i])
            i += 1
        for st in statements(outer):
            bind(st, self.env)

    def cases(self):
        for name, fixture, body in self.tests:
            env = dict(self.env, NAME=name)
            yield from self.walk(body, env, name, fixture, [], 0)

    def walk(self, body, env, test, fixture, mocks, depth):
        """Test calls in BODY, with the mock settings made before each."""
        mocks = list(mocks)
        for st in statements(body):
            bind(st, env)
            text = toks_text(st)
            m = re.match(r"^bpftrace(?:->|\.)(\w+)(?:->|\.)?(\w*)=(.*)$", text)
            if m:
                if m.group(1) == "config_" and m.group(2):
                    mocks.append(("config", m.group(2), m.group(3)))
                elif m.group(1) != "config_":
                    mocks.append(("field", m.group(1), m.group(3)))
                continue
            m = re.match(r"^\w+\.set\(ConfigKey\w+::(\w+),(.*)\)$", text)
            if m:
                mocks.append(("config", m.group(1), m.group(2)))
                continue
            m = re.match(r"^feature->(\w+)\((.*)\)$", text)
            if m:
                mocks.append(("feature", m.group(1), m.group(2)))
                continue
            for k, t in enumerate(st):
                if t[0] != "ident" or k + 1 >= len(st) or st[k + 1][1] != "(":
                    continue
                prev = st[k - 1][1] if k else ""
                if prev in (".", "->", "::", "void", "auto"):
                    continue
                args, _ = btc.split_args(st, k + 1)
                if t[1] == "test":
                    yield self.case(args, env, test, fixture, mocks)
                elif t[1] in self.helpers and depth < 3:
                    params, hbody = self.helpers[t[1]]
                    henv = dict(self.env, NAME=test)
                    for p, a in zip(params, args):
                        v = eval_value(a, env)
                        if v is not None:
                            henv[p] = v
                    yield from self.walk(hbody, henv, test, fixture, mocks,
                                         depth + 1)

    def case(self, args, env, test, fixture, mocks):
        c = {"test": test, "fixture": fixture, "prog": None, "ll": None,
             "config": {}, "skip": None}
        if args and toks_text(args[0]) in ("*bpftrace", "bpftrace"):
            args = args[1:]
        if len(args) < 2:
            c["skip"] = "test call without program and name"
            return c
        c["prog"] = eval_value(args[0], env)
        c["ll"] = eval_value(args[1], env)
        if not isinstance(c["prog"], str):
            c["skip"] = "program not a string the runner can read"
        elif not isinstance(c["ll"], str):
            c["skip"] = "name of the reference not readable"
        # test(prog, name, false) runs the mock in unsafe mode: that decides
        # whether bpftrace accepts signal()/system()/override(), not the IR
        # it generates, and bpfcheck does not refuse them.
        if fixture == "codegen_dwarf":
            c["skip"] = c["skip"] or "needs the DWARF test binary"
        for kind, key, val in mocks:
            val = str(env.get(val, val))
            if kind == "config" and key in CONFIG_KEYS:
                c["config"][key] = val
            elif kind == "field" and key == "feature_" and \
                    val.startswith("std::make_unique<MockBPFfeature>(true)"):
                continue
            elif kind == "field" and key == "feature_":
                continue    # its changes are the "feature" entries
            elif kind == "field" and (key, val) in DEFAULT_FIELDS:
                continue
            elif c["skip"] is None:
                what = {"feature": "mock kernel feature", "field": "mock state",
                        "config": "mock setting"}[kind]
                c["skip"] = f"{what} ({key} = {val})" if kind != "feature" \
                    else f"{what} ({key}({val}))"
        return c


def run_json(cmd, env=None):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=300,
                           env=dict(os.environ, NO_COLOR="1", **(env or {})))
    except subprocess.TimeoutExpired:
        return None, "timeout"
    if r.returncode < 0 or r.returncode > 3:
        return None, f"crash (exit {r.returncode}): " + \
            r.stderr.decode("utf-8", "replace").strip()[-200:]
    if r.returncode == 2 or not r.stdout:
        return "fail", r.stderr.decode("utf-8", "replace").strip()[:300]
    try:
        return json.loads(r.stdout), ""
    except ValueError:
        return None, "unreadable report"


def sanitize(s):
    return re.sub(r"[^A-Za-z0-9_]", "_", s or "")


def frames(rep):
    """[(section, name, bytes or None, why)] of the programs of a report."""
    out = []
    for f in rep.get("files", []):
        progs = f.get("programs", [])
        for p in progs:
            st = p.get("stack") or {}
            out.append((p.get("section") or "", p.get("name") or "",
                        st.get("bytes"), ""))
    return out


def diags(rep, rules, sev=("error",)):
    return [f'{d["rule"]} {d.get("message", "")}' for d in btc.iter_diags(rep)
            if d.get("rule") in rules and d.get("severity") in sev]


def config_block(cfg):
    if not cfg:
        return ""
    items = []
    for k, v in cfg.items():
        if re.match(r"^\d+$", v):
            items.append(f"{k} = {v}")
        else:
            items.append(f'{k} = "{v}"' if not re.match(r"^\w+$", v) else
                         f"{k} = {v}")
    return "config = { " + "; ".join(items) + " }\n"


# bpftrace 0.24 zero-initialises a pointer variable with `store i0 0`, which
# the LLVM that wrote it printed and LLVM 19 no longer parses; a store of no
# bits writes nothing, so the runner drops it.
ZERO_STORE = re.compile(r"^[ \t]*store i0 [^\n]*\n", re.M)


def run_pair(args, btf, c):
    # one work file per pair: several test calls may name one reference
    base = os.path.join(args.work, "%04d-%s" % (c["index"],
                                               re.sub(r"[^\w.-]", "_", c["ll"])))
    ref, c["zero_stores"] = ZERO_STORE.subn("", c["ref"])
    with open(base + ".ll", "w") as f:
        f.write(ref)
    rep, why = run_json([args.ref_bin, "stack", "--no-config", "-f", "json",
                         "--kernel", "6.18", "--ir-optimize", "always",
                         base + ".ll"])
    if rep is None:
        return "crash", "reference: " + why
    if rep == "fail":
        return "skip", "the reference IR does not compile: " + why
    ref = frames(rep)
    ref = [r for r in ref if r[0].startswith("s_")] or ref
    with open(base + ".bt", "w") as f:
        f.write(config_block(c["config"]) + c["prog"])
    rep, why = run_json([args.bin, "stack", "--no-config", "-f", "json",
                         "--bpftrace", args.profile, "--btf", btf,
                         "--kernel", "6.18", base + ".bt"])
    if rep is None:
        return "crash", "program: " + why
    if rep == "fail":
        return "skip", "our front end refuses the program: " + why
    refused = diags(rep, REFUSE_RULES)
    if refused:
        return "skip", "our front end refuses the program: " + \
            "; ".join(refused)[:300]
    ours = frames(rep)
    missing = diags(rep, ("BC205",), ("error", "warning", "note"))
    c["pairs"] = []
    by_sec = {sanitize(s): (n, b) for s, n, b, _ in ours}
    for k, (sec, name, rb, _) in enumerate(ref):
        mine = by_sec.get(sanitize(sec))
        if mine is None and len(ours) == len(ref):
            mine = (ours[k][1], ours[k][2])
        c["pairs"].append({"probe": name, "ref": rb,
                           "ours": mine[1] if mine else None})
    if not c["pairs"]:
        return "skip", "no probe function in the reference"
    if any(p["ours"] is None for p in c["pairs"]):
        return "skip", "no figure for a probe: " + \
            ("; ".join(missing)[:200] if missing else
             "probe not found in our model (" +
             ", ".join(sorted(by_sec)) + ")")
    if all(p["ours"] == p["ref"] for p in c["pairs"]):
        return "equal", ""
    return "different", ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout")
    ap.add_argument("tag")
    ap.add_argument("--bin", default="build/bpfcheck")
    ap.add_argument("--ref-bin", help="the bpfcheck that measures the "
                    "references (default: --bin); to compare an older model "
                    "against references measured the same way")
    ap.add_argument("--profile")
    ap.add_argument("--work")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", choices=("different", "skipped", "equal",
                                       "crash", "all"),
                    action="append", default=[])
    ap.add_argument("--json", help="write every pair with its figures here")
    args = ap.parse_args()
    gd = btc.git_dir(args.checkout)
    args.profile = args.profile or btc.profile_of(args.tag)
    args.bin = os.path.abspath(args.bin)
    args.ref_bin = os.path.abspath(args.ref_bin or args.bin)
    args.work = args.work or tempfile.mkdtemp(prefix="bt-codegen-ref.")
    os.makedirs(args.work, exist_ok=True)

    ls = subprocess.run(["git", "--git-dir", gd, "ls-tree", "--name-only",
                         f"{args.tag}:tests/codegen"], capture_output=True,
                        text=True)
    if ls.returncode:
        sys.exit(f"bt-codegen-reference: {args.tag}: no tests/codegen")
    names = ls.stdout.split()
    lls = subprocess.run(["git", "--git-dir", gd, "ls-tree", "--name-only",
                          f"{args.tag}:tests/codegen/llvm"],
                         capture_output=True, text=True).stdout.split()
    if not lls:
        sys.exit(f"bt-codegen-reference: {args.tag}: no tests/codegen/llvm")
    data = btc.git_show(gd, args.tag, "tests/data/data_source.c")
    btf = os.path.join(args.work, "data_source.o")
    with open(os.path.join(args.work, "data_source.c"), "w") as f:
        f.write(data + btc.type_anchor(data))
    subprocess.run(["clang-19", "-target", "bpf", "-g", "-O2", "-c", "-o", btf,
                    os.path.join(args.work, "data_source.c")], check=True)

    cases = []
    for n in sorted(names):
        if not n.endswith(".cpp"):
            continue
        src = btc.git_show(gd, args.tag, f"tests/codegen/{n}")
        for c in Unit(src).cases():
            c["file"] = n
            cases.append(c)
    have = set(lls)
    found = []
    for c in cases:
        if c["ll"] and isinstance(c["ll"], str) and c["ll"] + ".ll" in have:
            c["ref"] = btc.git_show(gd, args.tag,
                                    f"tests/codegen/llvm/{c['ll']}.ll")
            found.append(c)
    for k, c in enumerate(found):
        c["index"] = k
    used = {c["ll"] + ".ll" for c in found}
    todo = [c for c in found if not c["skip"]]
    with ThreadPoolExecutor(args.jobs) as ex:
        for c, (got, why) in zip(todo, ex.map(lambda c: run_pair(args, btf, c),
                                              todo)):
            c["got"], c["why"] = got, why
    for c in found:
        if c["skip"]:
            c["got"], c["why"] = "skip", c["skip"]
    equal = [c for c in found if c["got"] == "equal"]
    diff = [c for c in found if c["got"] == "different"]
    skipped = [c for c in found if c["got"] == "skip"]
    crash = [c for c in found if c["got"] == "crash"]
    probes = sum(len(c.get("pairs", [])) for c in equal + diff)
    probes_eq = sum(1 for c in equal + diff for p in c["pairs"]
                    if p["ours"] == p["ref"])
    print(f"{args.tag} tests/codegen --bpftrace {args.profile}: "
          f"{len(lls)} reference files, {len(found)} pairs found "
          f"({len(lls) - len(used)} files no test call names)")
    norm = sum(1 for c in found if c.get("zero_stores"))
    if norm:
        print(f"  {norm} references had `store i0` lines dropped")
    print(f"  compared {len(equal) + len(diff)}: equal {len(equal)}, "
          f"different {len(diff)} (probes: {probes_eq} of {probes} equal); "
          f"not comparable {len(skipped)}; crashes {len(crash)}")
    reasons = {}
    for c in skipped:
        r = re.sub(r":.*", "", c["why"]) if c["why"].startswith(
            ("our front end", "the reference", "no figure")) else \
            re.sub(r" \(.*", "", c["why"])
        reasons[r] = reasons.get(r, 0) + 1
    for r, n in sorted(reasons.items(), key=lambda x: -x[1]):
        print(f"    not comparable: {n:4d}  {r}")
    show = set(args.list)
    if "different" in show or "all" in show:
        for c in diff:
            for p in c["pairs"]:
                if p["ours"] != p["ref"]:
                    print(f"different\t{c['ll']}\t{p['probe']}\t"
                          f"reference {p['ref']}\tbpfcheck {p['ours']}\t"
                          f"{c['prog']!r}")
    for kind, lst in (("equal", equal), ("skipped", skipped),
                      ("crash", crash)):
        if kind in show or "all" in show:
            for c in lst:
                print(f"{kind}\t{c['ll']}\t{c.get('why', '')}\t{c['prog']!r}")
    if args.json:
        for c in found:
            c.pop("ref", None)
        with open(args.json, "w") as f:
            json.dump(found, f, indent=1)
    return 1 if crash else 0


if __name__ == "__main__":
    sys.exit(main())
