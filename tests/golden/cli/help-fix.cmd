help fix
