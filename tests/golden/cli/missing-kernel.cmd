check --tracefs fixtures/no-such-tracefs --btf none fixtures/scripts/sema/tracepoint_017.bt
