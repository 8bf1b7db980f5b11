package network

// SetImportBatch sets the directory import's rows per transaction until the
// returned function restores it.
func SetImportBatch(n int) (restore func()) {
	old := importBatch
	importBatch = n
	return func() { importBatch = old }
}
