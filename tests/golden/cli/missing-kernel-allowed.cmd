check --tracefs fixtures/no-such-tracefs --btf none --allow-missing-kernel tests/golden/sema/tracepoint_017.bt
