#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Verdict conformance with bpftrace's own semantic tests.

bpftrace's unit tests hold, per release, over a thousand one-line programs
with the verdict that release gives them: tests/semantic_analyser.cpp up to
0.24, tests/type_checker.cpp after that (test("PROG") accepts;
test("PROG", 1) or test("PROG", Error{...}) refuses). This runner reads them
at a tag of a bpftrace checkout, checks every program with bpfcheck at the
matching --bpftrace profile against upstream's mock types
(tests/data/data_source.c compiled with clang-19 -target bpf -g -O2 into a
work directory and passed as --btf), and prints how many verdicts agree, the
false errors (upstream accepts, bpfcheck refuses), the missed errors
(upstream refuses, bpfcheck accepts) and crashes. Nothing of upstream's is
written into this repository: the programs are read from the checkout at
run time.

    tools/bt-conformance.py GITDIR TAG [--bin build/bpfcheck] [--profile P]
                            [--work DIR] [--list KIND] [--jobs N] [--json F]

GITDIR is a bpftrace clone or bare git directory; TAG a tag or commit
(v0.17.0, v0.24.0, HEAD). The profile defaults to the tag's minor version
(HEAD: head). A case bpfcheck refuses is one with an error of BC100
(syntax), BC102 (semantic), BC303 (bpftrace's "Undefined map"), BC304 or
BC305 (map key/value mismatches), or an input it could not process (exit
2); a crash is an exit by signal or a timeout. Cases whose verdict depends on state bpfcheck cannot be
given (a mock configured by the test: positional parameters, a child
process, missing kernel features, unsafe mode) are counted as skipped and
listed with --list skipped.

Exit status: 0, or 1 when a case crashed.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

REFUSE_RULES = ("BC100", "BC102", "BC303", "BC304", "BC305")


def git_show(gitdir, tag, path):
    r = subprocess.run(["git", "--git-dir", gitdir, "show", f"{tag}:{path}"],
                       capture_output=True)
    if r.returncode:
        return None
    return r.stdout.decode("utf-8", "replace")


def git_dir(path):
    for cand in (os.path.join(path, ".git"), path):
        if os.path.isdir(os.path.join(cand, "objects")):
            return cand
    sys.exit(f"bt-conformance: {path}: not a git directory")


# --- a small C++ tokenizer: enough to find test(...) calls and their args ---
TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<lcomment>//[^\n]*)
  | (?P<bcomment>/\*.*?\*/)
  | (?P<pp>^\#[^\n]*(?:\\\n[^\n]*)*)
  | (?P<raw>(?:u8|u|U|L)?R"(?P<delim>[^()\\\s]{0,16})\()
  | (?P<str>(?:u8|u|U|L)?"(?:[^"\\\n]|\\.)*")
  | (?P<chr>'(?:[^'\\\n]|\\.)*')
  | (?P<num>[0-9][0-9A-Za-z_.']*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>::|->|.)
''', re.S | re.X | re.M)

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"',
           "'": "'", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "?": "?"}


def unescape(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n == "\n":
            i += 2  # a line splice (translation phase 2): no character
            continue
        if n == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        else:
            out.append(ESCAPES.get(n, n))
            i += 2
    return "".join(out)


def tokenize(src):
    toks, pos = [], 0
    while pos < len(src):
        m = TOKEN.match(src, pos)
        kind = m.lastgroup
        if kind == "delim":
            kind = "raw"
        if kind == "raw":
            end = ")" + m.group("delim") + '"'
            stop = src.index(end, m.end())
            toks.append(("str", src[m.end():stop], src.count("\n", 0, pos) + 1))
            pos = stop + len(end)
            continue
        pos = m.end()
        if kind in ("ws", "lcomment", "bcomment", "pp"):
            continue
        text = m.group(0)
        if kind == "str":
            text = unescape(text[text.index('"') + 1:-1])
        toks.append((kind, text, src.count("\n", 0, m.start()) + 1))
    return toks


def split_args(toks, i):
    """toks[i] is '('; returns ([args as token lists], index after ')')."""
    depth, args, cur = 0, [], []
    j = i
    while j < len(toks):
        kind, text, _ = toks[j]
        if kind == "punct" and text in "([{":
            depth += 1
            if depth > 1:
                cur.append(toks[j])
        elif kind == "punct" and text in ")]}":
            depth -= 1
            if depth == 0:
                if cur:
                    args.append(cur)
                return args, j + 1
            cur.append(toks[j])
        elif kind == "punct" and text == "," and depth == 1:
            args.append(cur)
            cur = []
        else:
            cur.append(toks[j])
        j += 1
    return args, j


def literal(arg):
    """The string an argument made only of adjacent literals spells, or None."""
    if arg and all(k == "str" for k, _, _ in arg):
        return "".join(t for _, t, _ in arg)
    return None


def extract(src):
    """Yields dicts: line, prog, expect ('accept'/'refuse'), skip (reason|None)."""
    toks = tokenize(src)
    in_test = False
    for i, (kind, text, line) in enumerate(toks):
        if kind == "ident" and text in ("TEST", "TEST_F"):
            in_test = True
        if not in_test or kind != "ident" or text not in ("test", "test_error"):
            continue
        if i + 1 >= len(toks) or toks[i + 1][1] != "(":
            continue
        prev = toks[i - 1][1] if i else ""
        if prev in (".", "->", "::", "void", "auto"):
            continue
        args, _ = split_args(toks, i + 1)
        pi = next((n for n, a in enumerate(args) if literal(a) is not None), None)
        case = {"line": line, "prog": None, "skip": None,
                "expect": "refuse" if text == "test_error" else "accept"}
        if pi is None:
            case["skip"] = "program not a literal"
            yield case
            continue
        case["prog"] = literal(args[pi])
        if pi > 0:
            first = "".join(t for _, t, _ in args[0])
            case["skip"] = f"mock state ({first})"
        rest = args[pi + 1:]
        old = [a for a in rest if len(a) == 1 and a[0][0] in ("num", "ident")]
        for a in rest:
            words = "".join(t for _, t, _ in a)
            if words.startswith("Error{") or words.startswith("Error("):
                case["expect"] = "refuse"
            elif words.startswith("Mock{"):
                case["skip"] = "mock state (Mock)"
            elif words.startswith("Types{"):
                case["types"] = True
            elif words.startswith("NoFeatures"):
                case["skip"] = "no kernel features"
            elif words.startswith("UnsafeMode"):
                case["skip"] = "unsafe mode"
        # old style: test(prog, expected_result, safe_mode, has_child)
        if old and rest and rest[0] is old[0]:
            vals = [a[0][1] for a in old]
            if vals[0] not in ("0", "false"):
                case["expect"] = "refuse"
            if len(vals) > 1 and vals[1] == "false":
                case["skip"] = case["skip"] or "unsafe mode"
            if len(vals) > 2 and vals[2] == "true":
                case["skip"] = case["skip"] or "child process"
        yield case


# Keys a real run's config pass refuses in a config block ("can only be set
# as an environment variable": config.cpp's ENV_ONLY at 0.24). A test pipeline
# without CreateConfigPass accepts them, so such a case tells nothing about
# the language: counted as skipped with this reason.
ENV_ONLY_KEYS = re.compile(r"config\s*=\s*\{[^}]*\b(?:bpftrace_)?(?:btf|debug_output|"
                           r"kernel_build|kernel_source|max_ast_nodes|"
                           r"verify_llvm_ir|vmlinux)\s*=", re.I)


def harness_artefacts(src, cases):
    """Marks the cases whose upstream verdict comes from a pass the test
    pipeline leaves out, or from a function only the test's mock BTF has
    (the reason says which)."""
    # Types{...}: BTF functions the test adds. "__delete", "__lookup_elem"...
    # are bpftrace's own stdlib, which every real run has; the others
    # ("foo", "bar") exist only in the test.
    added = set(re.findall(r'add<btf::Function>\(\s*"(\w+)"', src))
    mock_fns = [n for n in added if not n.startswith("__")]
    for c in cases:
        if (c.pop("types", False) and not c["skip"] and c["prog"] and
                any(re.search(r"\b%s\s*\(" % n, c["prog"]) for n in mock_fns)):
            c["skip"] = "mock state (Types: a function only the test's BTF has)"
    if "CreateConfigPass" in src:
        return
    for c in cases:
        if not c["skip"] and c["prog"] and ENV_ONLY_KEYS.search(c["prog"]):
            c["skip"] = ("harness artefact: an environment-only config key, "
                         "refused by the config pass the test pipeline omits")


def btf_data_structs(header, src):
    """The struct definitions of tests/data/btf_data.h's comment (up to 0.17
    the BTF tests' mock types: bpf_iter__task, task_struct, file) that SRC,
    data_source.c, does not define."""
    if not header:
        return ""
    text = "\n".join(re.sub(r"^//\s?", "", l) for l in header.splitlines()
                     if l.startswith("//"))
    text = text.split("generated by:")[0]
    out = []
    for m in re.finditer(r"^\s*struct\s+(\w+)\s*\{.*?^\s*\};", text, re.S | re.M):
        if not re.search(r"struct\s+%s\s*\{" % m.group(1), src):
            out.append(m.group(0).strip())
    return "\n" + "\n".join(out) + "\n" if out else ""


def type_anchor(src):
    """A pointer variable to every named struct, union, enum and typedef of SRC.

    upstream builds its mock BTF with pahole from DWARF, which holds every
    type of the file; clang's BPF backend writes only the types a function
    or variable reaches, so the work copy gets variables that reach them."""
    tags = re.findall(r"^\s*((?:struct|union|enum)\s+\w+)\s*\{", src, re.M)
    names = []
    for m in re.finditer(r"^typedef\b", src, re.M):
        depth, i = 0, m.end()
        while i < len(src) and (src[i] != ";" or depth):
            depth += {"{": 1, "}": -1}.get(src[i], 0)
            i += 1
        name = re.search(r"(\w+)\s*(?:\[[^]]*\]\s*)*$", src[m.end():i])
        if name and "(" not in src[m.end():i]:
            names.append(name.group(1))
    out = [f"{t} *bt_conformance_t{i};" for i, t in
           enumerate(dict.fromkeys(tags + names))]
    return "\n" + "\n".join(out) + "\n"


def profile_of(tag):
    m = re.match(r"v?0\.(\d+)", tag)
    return f"0.{m.group(1)}" if m else "head"


def run_case(args, btf, case):
    with tempfile.NamedTemporaryFile("w", suffix=".bt", dir=args.work,
                                     delete=False) as f:
        f.write(case["prog"])
        path = f.name
    cmd = [args.bin, "check", "--no-config", "-f", "json", "--bpftrace",
           args.profile, "--btf", btf, "--kernel", "6.18", path]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=60,
                           env=dict(os.environ, NO_COLOR="1"))
    except subprocess.TimeoutExpired:
        os.unlink(path)
        return "crash", "timeout"
    os.unlink(path)
    if r.returncode < 0 or r.returncode > 3:
        return "crash", f"exit {r.returncode}"
    if r.returncode == 2:
        return "refuse", r.stderr.decode("utf-8", "replace").strip()[:200]
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        return "crash", "unreadable report"
    msgs = []
    for d in iter_diags(rep):
        if d.get("rule") in REFUSE_RULES and d.get("severity") == "error":
            msgs.append(f'{d["rule"]} {d.get("message", "")}')
    return ("refuse" if msgs else "accept"), "; ".join(msgs)[:300]


def iter_diags(rep):
    if isinstance(rep, dict):
        if "rule" in rep and "severity" in rep:
            yield rep
        for v in rep.values():
            yield from iter_diags(v)
    elif isinstance(rep, list):
        for v in rep:
            yield from iter_diags(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout")
    ap.add_argument("tag")
    ap.add_argument("--bin", default="build/bpfcheck")
    ap.add_argument("--profile")
    ap.add_argument("--work")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", choices=("false", "missed", "crash", "skipped",
                                       "all"), action="append", default=[])
    ap.add_argument("--json", help="write every case with its verdicts here")
    args = ap.parse_args()
    gd = git_dir(args.checkout)
    args.profile = args.profile or profile_of(args.tag)
    args.bin = os.path.abspath(args.bin)
    args.work = args.work or tempfile.mkdtemp(prefix="bt-conformance.")
    os.makedirs(args.work, exist_ok=True)

    src = git_show(gd, args.tag, "tests/type_checker.cpp")
    name = "tests/type_checker.cpp"
    if src is None:
        src = git_show(gd, args.tag, "tests/semantic_analyser.cpp")
        name = "tests/semantic_analyser.cpp"
    if src is None:
        sys.exit(f"bt-conformance: {args.tag}: no semantic tests")
    data = git_show(gd, args.tag, "tests/data/data_source.c")
    btf = os.path.join(args.work, "data_source.o")
    data += btf_data_structs(git_show(gd, args.tag, "tests/data/btf_data.h"), data)
    with open(os.path.join(args.work, "data_source.c"), "w") as f:
        f.write(data + type_anchor(data))
    # -O2: clang names a function's parameters in BTF only when optimising
    subprocess.run(["clang-19", "-target", "bpf", "-g", "-O2", "-c", "-o", btf,
                    os.path.join(args.work, "data_source.c")], check=True)

    cases = list(extract(src))
    harness_artefacts(src, cases)
    todo = [c for c in cases if not c["skip"]]
    with ThreadPoolExecutor(args.jobs) as ex:
        for c, (got, why) in zip(todo, ex.map(lambda c: run_case(args, btf, c),
                                              todo)):
            c["got"], c["why"] = got, why
    agree = [c for c in todo if c["got"] == c["expect"]]
    false_err = [c for c in todo if c["expect"] == "accept" and c["got"] == "refuse"]
    missed = [c for c in todo if c["expect"] == "refuse" and c["got"] == "accept"]
    crash = [c for c in todo if c["got"] == "crash"]
    skipped = [c for c in cases if c["skip"]]
    pct = 100.0 * len(agree) / len(todo) if todo else 0.0
    print(f"{args.tag} {name} --bpftrace {args.profile}: {len(cases)} cases, "
          f"{len(skipped)} skipped, {len(todo)} run")
    print(f"  agreement {len(agree)}/{len(todo)} = {pct:.1f}%  false errors "
          f"{len(false_err)}  missed errors {len(missed)}  crashes {len(crash)}")
    show = set(args.list)
    for kind, lst in (("false", false_err), ("missed", missed),
                      ("crash", crash), ("skipped", skipped)):
        if kind in show or "all" in show:
            for c in lst:
                print(f"{kind}\t{name}:{c['line']}\t{c['prog']!r}\t"
                      f"{c.get('why') or c.get('skip') or ''}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(cases, f, indent=1)
    return 1 if crash else 0


if __name__ == "__main__":
    sys.exit(main())
