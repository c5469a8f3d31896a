fixtures/bad/does-not-exist.bt
