#!/usr/bin/env bash
# Installs the Debian packages bpfcheck's build and tests need, only those
# missing (make deps). Non-interactive; needs root (or sudo).
set -eu
pkgs="make gcc pkg-config llvm-19-dev clang-19 libclang-rt-19-dev libclang-cpp19-dev libclang-19-dev libbpf-dev libelf-dev
libdw-dev libjansson-dev libcmocka-dev libzstd-dev zlib1g-dev liblzma-dev libbz2-dev libxml2-dev libz3-dev
bpftrace bpftool libbpf-tools systemtap-sdt-dev python3 python3-jsonschema pre-commit strace git
neovim chromium nodejs"
# npm: Debian's, unless node came with its own
command -v npm >/dev/null || pkgs="$pkgs npm"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# The browser test's playwright-core (tests/browser/package.json, locked in
# package-lock.json; tests/unit/test_html.c skips without it).
browser_deps() {
	if [ ! -d "$(dirname "$0")/browser/node_modules/playwright-core" ] && command -v npm >/dev/null; then
		echo "deps: npm ci in tests/browser"
		# the npm registry may be out of reach (CI with Debian's mirror
		# only): the browser test then skips, the rest still runs
		(cd "$(dirname "$0")/browser" && npm ci --no-audit --no-fund) ||
			echo "deps: npm ci failed: the browser test (test_html) will skip"
	fi
}
if [ -z "$missing" ]; then
	echo "deps: all installed"
	browser_deps
	exit 0
fi
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
browser_deps
