check --target fixtures/no-such-target.bct fixtures/scripts/sema/tracepoint_017.bt
