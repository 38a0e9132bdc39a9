package approvals

// SetArchiveBatchForTest sets how many records or proposals one Archive
// batch moves and how many proposals one read looks at, and returns a
// function that restores them.
func SetArchiveBatchForTest(batch, scan int) func() {
	b, s := archiveBatch, archiveScan
	archiveBatch, archiveScan = batch, scan
	return func() { archiveBatch, archiveScan = b, s }
}
