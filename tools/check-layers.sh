#!/bin/sh
# Checks that the arrows between the source folders follow the layers:
#
#   input -> front end -> facts -> rules -> reporters -> cli
#
# Bottom to top; a folder may include and call only the folders before it
# (the same order as docs/architecture.md, and LAYERS below):
#
#   analyzer/base      string builder, arena
#   analyzer/target    where facts about the target system come from: the
#                      live system or a captured target file
#   analyzer/core      units, diagnostics (rule ids: build/gen/rule_ids.h,
#                      made from rules/rules.def), facts, target, paths
#   analyzer/types     C/BTF/DWARF types, tracepoint formats
#   analyzer/script    bpftrace lexer, parser, semantic analysis
#   analyzer/stack     liveness, call chains, slot provenance/attribution
#   analyzer/object    BPF ELF objects -> facts (frames, calls, counting loops)
#   analyzer/maps      map facts, what the target kernel offers for maps
#   analyzer/llvm      IR loading, optimiser, BPF backend, compile -> facts
#   analyzer/codegen   model of bpftrace's code generation (LLVM-C IR builder)
#   analyzer/frontend  per-kind front ends and their table
#   rules              one file per rule; reads the facts, never the input
#   analyzer/driver    runs front ends and rules, suppressions
#   analyzer/emit      rewrites the IR and writes a loadable BPF object
#   analyzer/fix       applies fixes
#   reporters          one file per output format
#   server             the language server (LSP): protocol, documents, analysis thread
#   cli                commands, options, settings: the top floor
#
# It fails, naming the file and line, when
#   (a) a file under analyzer/, rules/, reporters/ or server/ includes a file from cli/
#       or references a symbol that an object built from cli/ defines;
#   (b) a string literal that is a rule code ("BC201") appears in a C source
#       outside rules/ and tests/ (rules are named by their enum bc_rule_id;
#       comments are not looked at);
#   (c) the folder graph (quoted #includes, plus undefined symbols of one
#       folder's objects that another folder's objects define, from nm) has
#       a cycle; each cycle is printed with one example per arrow;
#   (d) an arrow of that graph points up the order above, or a folder is
#       missing from it;
#   (e) a C source under analyzer/, rules/, reporters/, server/ or cli/
#       (outside analyzer/base) grows an array by hand, a constant number of
#       elements at a time: realloc(p, (n + 1) * sizeof(*p)) or
#       reallocarray(p, n + 1, ...), which is quadratic. Arrays grow with
#       BC_GROW (analyzer/base/array.h), strings with bc_sbuf. Every file
#       is converted; GROWTH_PENDING below stays as the one place to let a
#       file through for a while (it is empty now).
# The symbol checks read BUILD/obj/**/*.o, so run it after `make`.
#
#   tools/check-layers.sh [BUILD]      (default: $BUILD or build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-${BUILD:-build}}
if [ ! -d "$build/obj" ]; then
	echo "check-layers: $build/obj does not exist (run make first)" >&2
	exit 2
fi
exec python3 - "$build" <<'EOF'
import os, re, subprocess, sys

build = sys.argv[1]
LAYERS = ["analyzer/base", "analyzer/target", "analyzer/core", "analyzer/types", "analyzer/script",
          "analyzer/stack", "analyzer/object", "analyzer/maps", "analyzer/llvm",
          "analyzer/codegen", "analyzer/manifest", "analyzer/frontend", "rules", "analyzer/driver",
          "analyzer/emit", "analyzer/fix", "reporters", "server", "cli"]
TOP = ["analyzer", "rules", "reporters", "server", "cli"]
LOWER = ("analyzer/", "rules/", "reporters/", "server/")

def folder_of(path):
    d = os.path.dirname(path)
    return d if d.startswith(TOP[0] + "/") or d in TOP[1:] else None

sources = []
for top in TOP:
    for root, _, files in os.walk(top):
        sources += [os.path.join(root, f) for f in files if f.endswith((".c", ".h"))]
sources.sort()
folders = sorted({folder_of(s) for s in sources} - {None})

def strip_comments(text):
    """Blanks out comments (keeping newlines and string literals)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1]); i = j + 1
        else:
            out.append(c); i += 1
    return "".join(out)

errors = []
edges = {}      # (from folder, to folder) -> first example

def edge(a, b, why):
    if a and b and a != b:
        edges.setdefault((a, b), why)

text_of = {}
for s in sources:
    with open(s, encoding="utf-8", errors="replace") as f:
        text_of[s] = strip_comments(f.read())

# includes
for s in sources:
    for no, line in enumerate(text_of[s].split("\n"), 1):
        m = re.match(r'\s*#\s*include\s*"([^"]+)"', line)
        if not m:
            continue
        inc = m.group(1)
        target = None
        for base in (os.path.dirname(s), "."):
            p = os.path.normpath(os.path.join(base, inc))
            if os.path.exists(p):
                target = p
                break
        if target is None:
            continue    # generated (build/gen) or system
        to = folder_of(target)
        if to == "cli" and s.startswith(LOWER):
            errors.append(f"{s}:{no}: includes {target} (nothing below cli/ may know it)")
        edge(folder_of(s), to, f"{s}:{no}: #include \"{inc}\"")

# symbols: who defines what, who needs what
defined = {}    # symbol -> object
undefined = []  # (object, symbol)
objs = []
for f in folders:
    d = os.path.join(build, "obj", f)
    if os.path.isdir(d):
        objs += [os.path.join(d, o) for o in sorted(os.listdir(d)) if o.endswith(".o")]
if objs:
    out = subprocess.run(["nm", "-o"] + objs, check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        obj, _, rest = line.partition(".o:")
        parts = rest.split()
        if len(parts) < 2:
            continue
        kind, sym = parts[-2], parts[-1]
        if kind == "U":
            undefined.append((obj, sym))
        elif kind.isupper():
            defined.setdefault(sym, obj)

def src_of(obj):
    return os.path.relpath(obj, os.path.join(build, "obj")) + ".c"

def first_use(src, sym):
    for no, line in enumerate(text_of.get(src, "").split("\n"), 1):
        if re.search(r"\b" + re.escape(sym) + r"\b", line):
            return no
    return 0

for obj, sym in undefined:
    if sym not in defined:
        continue    # a library's
    src, dsrc = src_of(obj), src_of(defined[sym])
    a, b = folder_of(src), folder_of(dsrc)
    if a == b:
        continue
    where = f"{src}:{first_use(src, sym)}"
    if b == "cli" and src.startswith(LOWER):
        errors.append(f"{where}: uses {sym}, defined in {dsrc} (nothing below cli/ may know it)")
    edge(a, b, f"{where}: uses {sym} ({dsrc})")

# rule codes as string literals
for top in [d for d in sorted(os.listdir(".")) if os.path.isdir(d)]:
    if top in ("rules", "tests") or top.startswith((".", "build")):
        continue
    for root, _, files in os.walk(top):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            p = os.path.join(root, f)
            if p not in text_of:
                with open(p, encoding="utf-8", errors="replace") as fh:
                    text_of[p] = strip_comments(fh.read())
            for no, line in enumerate(text_of[p].split("\n"), 1):
                for m in re.finditer(r'"(BC[0-9]{3})"', line):
                    errors.append(f"{p}:{no}: rule code \"{m.group(1)}\" as a string "
                                  "(use its enum bc_rule_id)")

# arrays grown by hand (e): realloc's size or reallocarray's count is
# "something + a constant"
GROWTH = re.compile(r"\brealloc\s*\([^;]*?\+\s*\d+\s*\)\s*\*\s*sizeof"
                    r"|\breallocarray\s*\([^;,]*,[^;,]*?\+\s*\d+\s*,")
# Pending: files let through while they still grow arrays one element at a
# time. Empty: analyzer/script and analyzer/codegen, the last ones, were
# converted after the rest of the tree. A file is added here only for a
# conversion in progress; a listed file that no longer needs it is reported
# (not an error) so that the list only shrinks.
GROWTH_PENDING = set()
notes = []
for s in sources:
    if s.startswith("analyzer/base/"):
        continue
    hits = list(GROWTH.finditer(text_of[s]))
    if s in GROWTH_PENDING:
        if not hits:
            notes.append(f"{s} no longer grows arrays by hand: take it off GROWTH_PENDING")
        continue
    for m in hits:
        no = text_of[s].count("\n", 0, m.start()) + 1
        errors.append(f"{s}:{no}: grows an array by hand (quadratic): use BC_GROW "
                      "(analyzer/base/array.h), or bc_sbuf for a string")

# cycles between folders: one per strongly connected component
succ = {}
for a, b in edges:
    succ.setdefault(a, []).append(b)
index, low, stack, on, sccs = {}, {}, [], set(), []

def tarjan(v):
    index[v] = low[v] = len(index)
    stack.append(v); on.add(v)
    for w in sorted(succ.get(v, [])):
        if w not in index:
            tarjan(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))

sys.setrecursionlimit(10000)
for v in sorted(succ):
    if v not in index:
        tarjan(v)

def cycle_through(start, members):
    """A shortest cycle from START back to it inside MEMBERS (BFS)."""
    prev, todo = {start: None}, [start]
    while todo:
        nxt = []
        for v in todo:
            for w in sorted(succ.get(v, [])):
                if w not in members:
                    continue
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if w not in prev:
                    prev[w] = v; nxt.append(w)
        todo = nxt
    return None

# every folder of a tangle lies on a cycle: print the shortest through each
seen = set()
for comp in sccs:
    errors.append("folders that depend on each other: " + ", ".join(comp))
    for start in comp:
        cyc = cycle_through(start, set(comp))
        key = frozenset(zip(cyc, cyc[1:]))
        if key in seen:
            continue
        seen.add(key)
        errors.append("folder cycle: " + " -> ".join(cyc))
        for a, b in zip(cyc, cyc[1:]):
            errors.append(f"    {a} -> {b}: {edges[(a, b)]}")

# arrows up the layers
rank = {f: i for i, f in enumerate(LAYERS)}
for f in folders:
    if f not in rank:
        errors.append(f"{f}/: not in the layer order (add it to LAYERS and the header)")
for (a, b), why in sorted(edges.items()):
    if a in rank and b in rank and rank[a] < rank[b] and not (b == "cli" and a != "cli"):
        errors.append(f"{a} -> {b} points up the layers: {why}")

for e in errors:
    print("check-layers: " + e)
for n in notes:
    print("check-layers: note: " + n)
sys.exit(1 if errors else 0)
EOF
