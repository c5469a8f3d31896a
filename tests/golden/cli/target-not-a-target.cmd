check --target fixtures/bad/random.bin fixtures/scripts/sema/tracepoint_017.bt
