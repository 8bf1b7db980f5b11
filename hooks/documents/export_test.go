package documents

// The two readings of a compliance page of suppliers, for the test that
// they agree (compliance_walk_test.go).
var (
	SuppliersByWalk  = suppliersByWalk
	VisibleSuppliers = visibleSuppliers
)
