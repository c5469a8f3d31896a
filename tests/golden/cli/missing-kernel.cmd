check --tracefs fixtures/no-such-tracefs --btf none tests/golden/sema/tracepoint_017.bt
