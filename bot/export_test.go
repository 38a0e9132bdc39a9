package bot

// OnePool makes cfg run every request in one pool of Workers, as before
// the lanes: for the benchmarks that compare.
func OnePool(cfg Config) Config {
	cfg.onePool = true
	return cfg
}
