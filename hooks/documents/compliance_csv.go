package documents

import (
	"context"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/spreadsheet"
)

// The compliance answer as a CSV (X2): exactly the cells the caller would
// page through with the same filters, one row each, in a file French
// spreadsheets open as is (UTF-8 with BOM, ";"), in the caller's language.

// csvTexts are the header and the values' words, per language.
var csvTexts = map[string]map[string]string{
	"fr": {"supplier": "Fournisseur", "siret": "SIRET", "type": "Type de document", "status": "Statut",
		"validUntil": "Valide jusqu'au", "duty": "Vigilance", "nextDue": "Prochaine échéance",
		"valid": "Valide", "expiring": "Expire bientôt", "expired": "Expiré", "missing": "Manquant",
		"compliant": "À jour", "due_soon": "Échéance proche", "overdue": "En retard", "not_subject": "Non soumis"},
	"en": {"supplier": "Supplier", "siret": "SIRET", "type": "Document type", "status": "Status",
		"validUntil": "Valid until", "duty": "Vigilance", "nextDue": "Next check",
		"valid": "Valid", "expiring": "Expiring", "expired": "Expired", "missing": "Missing",
		"compliant": "Up to date", "due_soon": "Check due soon", "overdue": "Overdue", "not_subject": "Not subject"},
}

// allCells is every cell the caller sees with filter f: the filtered pages
// as one, or the whole answer when nothing is filtered.
func (s *Service) allCells(ctx context.Context, app core.App, customer, userID, only string, financial bool, f ComplianceFilter) (*Compliance, error) {
	if !f.active() {
		return s.Compliance(app, customer, userID, only, financial)
	}
	first, err := s.filteredPage(ctx, app, customer, userID, only, financial, f, 1, 1)
	if err != nil || first.TotalSuppliers <= 1 {
		return first, err
	}
	return s.filteredPage(ctx, app, customer, userID, only, financial, f, 1, first.TotalSuppliers)
}

// writeComplianceCSV streams out as a CSV attachment.
func writeComplianceCSV(e *core.RequestEvent, out *Compliance, lang string) error {
	words, ok := csvTexts[lang]
	if !ok {
		words = csvTexts["fr"]
	}
	duty := make(map[string]SupplierDuty, len(out.Suppliers))
	for _, d := range out.Suppliers {
		duty[d.Supplier] = d
	}
	w, err := spreadsheet.Attach(e.Response, map[string]string{"fr": "conformite", "en": "compliance"}[lang]+".csv")
	if err != nil {
		return nil // the client went away
	}
	_ = w.Write(words["supplier"], words["siret"], words["type"], words["status"], words["validUntil"], words["duty"], words["nextDue"])
	for _, it := range out.Items {
		d := duty[it.Supplier.ID]
		if err := w.Write(it.Supplier.Name, it.Supplier.SIRET, it.Type.Name, words[it.Status], spreadsheet.Day(it.ValidUntil), words[d.Status], d.NextDue); err != nil {
			return nil
		}
	}
	_ = w.Flush()
	return nil
}

// csvLang is the export's language: asked (?lang=), else the caller's own.
func csvLang(e *core.RequestEvent) string {
	if l := e.Request.URL.Query().Get("lang"); l == "fr" || l == "en" {
		return l
	}
	if e.Auth != nil && e.Auth.GetString("lang") == "en" {
		return "en"
	}
	return "fr"
}
