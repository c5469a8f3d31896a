check --tracefs fixtures/no-such-tracefs --btf none --allow-missing-kernel fixtures/scripts/sema/tracepoint_017.bt
