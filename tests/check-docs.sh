#!/usr/bin/env bash
# Every rule in rules/ has its docs/rules/<CODE>.md page whose title names
# the rule, and every page belongs to a rule (the registry and the docs stay
# in sync, like bpftool's synctypes test).
set -u
cd "$(dirname "$0")/.."
bad=0
for f in rules/*.c; do
	code=$(grep -oE '\.code = "BC[0-9]{3}"' "$f" | grep -oE 'BC[0-9]{3}') || continue
	name=$(grep -oE '\.name = "[a-z0-9-]+"' "$f" | sed 's/.*"\(.*\)"/\1/')
	page="docs/rules/$code.md"
	if [ ! -f "$page" ]; then
		echo "check-docs: $f defines $code but $page is missing"; bad=1; continue
	fi
	if ! head -1 "$page" | grep -qx "# $code $name"; then
		echo "check-docs: $page must start with '# $code $name'"; bad=1
	fi
	sym=$(grep -oE 'const struct bc_rule bc_rule_[a-z0-9_]+' "$f" | awk '{print $4}')
	if ! grep -qE "^BC_RULE\([A-Z0-9_]+, $sym, [A-Z]+\)$" rules/rules.def; then
		echo "check-docs: $sym ($f) is not listed in rules/rules.def"; bad=1
	fi
done
for page in docs/rules/BC*.md; do
	[ -e "$page" ] || continue
	code=$(basename "$page" .md)
	grep -lq "\.code = \"$code\"" rules/*.c || { echo "check-docs: $page has no rule"; bad=1; }
done
exit $bad
