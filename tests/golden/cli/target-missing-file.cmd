check --target fixtures/no-such-target.bct tests/golden/sema/tracepoint_017.bt
