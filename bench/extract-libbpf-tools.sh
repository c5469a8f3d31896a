#!/usr/bin/env bash
# Extracts the BPF ELF objects that Debian's libbpf-tools binaries embed
# (bpftool skeletons keep the object bytes in .rodata). An embedded object is
# found by its ELF magic with e_machine EM_BPF; its size is where its section
# header table ends (e_shoff + e_shnum * e_shentsize).
#
#   bench/extract-libbpf-tools.sh [OUTDIR]     (default: ${BUILD:-build}/libbpf-tools)
#
# Writes OUTDIR/<tool>.bpf.o (<tool>-<n>.bpf.o when a binary embeds several)
# and prints one line per object. Extracted objects are not committed.
set -euo pipefail
out="${1:-${BUILD:-build}/libbpf-tools}"
mkdir -p "$out"
if ! command -v dpkg >/dev/null || ! dpkg -s libbpf-tools >/dev/null 2>&1; then
	echo "libbpf-tools is not installed (apt-get install libbpf-tools)" >&2
	exit 2
fi
# one binary per real file (several tools are symlinks to one program)
dpkg -L libbpf-tools | grep -E '/s?bin/[^/]+$' | while read -r f; do
	[ -f "$f" ] && printf '%s\t%s\n' "$(readlink -f "$f")" "$(basename "$f")"
done | sort -u -k1,1 | python3 -c '
import struct, sys
EM_BPF = 247
out = sys.argv[1]
for line in sys.stdin:
    path, tool = line.rstrip("\n").split("\t")
    data = open(path, "rb").read()
    found = []
    pos = data.find(b"\x7fELF", 1)
    while pos >= 0:
        hdr = data[pos:pos + 64]
        if len(hdr) == 64 and hdr[4] == 2 and hdr[5] in (1, 2):
            end = "<" if hdr[5] == 1 else ">"
            machine, = struct.unpack(end + "H", hdr[18:20])
            shoff, = struct.unpack(end + "Q", hdr[40:48])
            shentsize, shnum = struct.unpack(end + "HH", hdr[58:62])
            size = shoff + shnum * shentsize
            if machine == EM_BPF and shnum and 64 <= size <= len(data) - pos:
                found.append(data[pos:pos + size])
                pos = data.find(b"\x7fELF", pos + size)
                continue
        pos = data.find(b"\x7fELF", pos + 1)
    for i, obj in enumerate(found):
        name = tool if len(found) == 1 else "%s-%d" % (tool, i)
        dst = "%s/%s.bpf.o" % (out, name)
        open(dst, "wb").write(obj)
        print("%s\t%d bytes\tfrom %s" % (dst, len(obj), path))
' "$out"
