package application

// UsedStates returns how many used login states m remembers.
func UsedStates(m *AuthManager) int { return m.used.len() }
