explain BC202
