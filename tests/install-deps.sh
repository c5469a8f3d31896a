#!/usr/bin/env bash
# Installs the Debian packages bpfcheck's build and tests need, only those
# missing (make deps). Non-interactive; needs root (or sudo).
set -eu
pkgs="make gcc pkg-config llvm-19-dev clang-19 libclang-rt-19-dev libclang-cpp19-dev libclang-19-dev libbpf-dev libelf-dev
libdw-dev libjansson-dev libcmocka-dev libzstd-dev zlib1g-dev liblzma-dev libbz2-dev libxml2-dev libz3-dev
bpftrace bpftool libbpf-tools python3 python3-jsonschema pre-commit"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all installed"
	exit 0
fi
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
