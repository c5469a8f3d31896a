check --tracefs fixtures/no-such-tracefs --btf none --kernel 6.6 --fail-on error -f json tests/golden/sema/tracepoint_017.bt
