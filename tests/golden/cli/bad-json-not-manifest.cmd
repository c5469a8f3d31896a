fixtures/bad/not-manifest.json
