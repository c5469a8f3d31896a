help target
