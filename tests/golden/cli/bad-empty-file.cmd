fixtures/bad/empty.bt
