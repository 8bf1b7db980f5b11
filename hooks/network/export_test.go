package network

import (
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/internal/config"
)

// BulkAdd runs the bulk path of the import on suppliers and reports how many
// it took (TestBulkImportMatchesRecordPath).
func BulkAdd(tx core.App, cfg *config.Config, customer *core.Record, suppliers []NewSupplier, actor audit.Entry, callerID string) (int, error) {
	rows := make([]SupplierRow, len(suppliers))
	first := make([]bool, len(suppliers))
	for i, s := range suppliers {
		rows[i], first[i] = SupplierRow{line: i + 2, input: s}, true
	}
	selected, err := selectNewSuppliers(tx, customer, rows, first)
	if err != nil || len(selected) == 0 {
		return 0, err
	}
	_, err = addNewSuppliers(tx, cfg, customer, selected, actor, callerID)
	return len(selected), err
}
