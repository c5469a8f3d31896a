help stack
