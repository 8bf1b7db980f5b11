package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"vigie/internal/schema"
)

// requirements: what the customer collects (D2): the French catalogue from
// all its suppliers, bank details and its own prevention plan from Martin.
var requirements = []struct{ code, supplier string }{
	{"kbis", ""}, {"urssaf", ""}, {"tax", ""}, {"insurance", ""},
	{"bank_details", "supplier"}, {"prevention_plan", "supplier"},
}

// documents: one in every status (D5, D6) once the demo is loaded; days are
// counted from today to the end of validity.
var documents = []struct {
	supplier, code, uploader string
	addressed                bool
	fromDays, untilDays      int
}{
	{"supplier", "kbis", "marc.martin@martin.demo", false, -30, 60},            // valid
	{"supplier", "urssaf", "julie.bernard@martin.demo", false, -170, 12},       // expiring
	{"supplier", "tax", "marc.martin@martin.demo", false, -370, -5},            // expired (archive)
	{"supplier", "insurance", "marc.martin@martin.demo", false, -400, -35},     // superseded by the next
	{"supplier", "insurance", "marc.martin@martin.demo", false, -35, 330},      // valid
	{"supplier", "bank_details", "marc.martin@martin.demo", false, -100, 0},    // valid, no end
	{"supplier", "prevention_plan", "marc.martin@martin.demo", true, -10, 355}, // specific, to the customer
	{"other", "kbis", "yves.leroy@leroy.demo", false, -20, 70},                 // valid; URSSAF missing
}

func ensureDocuments(tx core.App, ests map[string]*core.Record) error {
	customer := ests["customer"]
	plan, err := ensureCustomerType(tx, customer)
	if err != nil {
		return err
	}
	typeID := func(code string) (string, error) {
		if code == "prevention_plan" {
			return plan.Id, nil
		}
		t, err := tx.FindFirstRecordByFilter(schema.DocumentTypes, "code = {:c} && owner = ''", dbx.Params{"c": code})
		if err != nil {
			return "", fmt.Errorf("demo: type %s: %w", code, err)
		}
		return t.Id, nil
	}
	reqs, err := tx.FindCachedCollectionByNameOrId(schema.Requirements)
	if err != nil {
		return err
	}
	for _, r := range requirements {
		id, err := typeID(r.code)
		if err != nil {
			return err
		}
		supplier := ""
		if r.supplier != "" {
			supplier = ests[r.supplier].Id
		}
		if n, _ := tx.CountRecords(schema.Requirements, dbx.HashExp{"customer": customer.Id, "type": id, "supplier": supplier}); n > 0 {
			continue
		}
		rec := core.NewRecord(reqs)
		rec.Load(map[string]any{"customer": customer.Id, "type": id, "supplier": supplier})
		if err := tx.Save(rec); err != nil {
			return fmt.Errorf("demo: requirement %s: %w", r.code, err)
		}
	}
	if n, _ := tx.CountRecords(schema.Documents, dbx.HashExp{"supplier": ests["supplier"].Id}); n > 0 {
		return nil // loaded before
	}
	docs, err := tx.FindCachedCollectionByNameOrId(schema.Documents)
	if err != nil {
		return err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for _, d := range documents {
		id, err := typeID(d.code)
		if err != nil {
			return err
		}
		uploader, err := tx.FindAuthRecordByEmail(schema.Users, d.uploader)
		if err != nil {
			return err
		}
		file, err := filesystem.NewFileFromBytes(samplePDF(d.code), d.code+".pdf")
		if err != nil {
			return err
		}
		rec := core.NewRecord(docs)
		rec.Load(map[string]any{"supplier": ests[d.supplier].Id, "type": id, "file": file,
			"uploadedBy": uploader.Id, "validFrom": today.AddDate(0, 0, d.fromDays)})
		if d.untilDays != 0 {
			rec.Set("validUntil", today.AddDate(0, 0, d.untilDays))
		} else {
			rec.Set("validUntil", "")
		}
		if d.addressed {
			rec.Set("addressee", customer.Id)
		}
		if err := tx.Save(rec); err != nil {
			return fmt.Errorf("demo: document %s: %w", d.code, err)
		}
	}
	return nil
}

// ensureCustomerType is the customer's own specific type (D1).
func ensureCustomerType(tx core.App, customer *core.Record) (*core.Record, error) {
	if t, err := tx.FindFirstRecordByFilter(schema.DocumentTypes, "code = 'prevention_plan' && owner = {:o}",
		dbx.Params{"o": customer.Id}); err == nil {
		return t, nil
	}
	col, err := tx.FindCachedCollectionByNameOrId(schema.DocumentTypes)
	if err != nil {
		return nil, err
	}
	t := core.NewRecord(col)
	t.Load(map[string]any{"code": "prevention_plan", "name": "Plan de prévention", "nameEn": "Prevention plan",
		"kind": schema.KindSpecific, "validityDays": 365, "owner": customer.Id})
	return t, tx.Save(t)
}

// samplePDF is a one-page PDF naming the document.
func samplePDF(title string) []byte {
	text := "Vigie demo: " + title
	stream := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	out := []byte("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = len(out)
		out = append(out, fmt.Sprintf("%d 0 obj\n%s\nendobj\n", i+1, o)...)
	}
	xref := len(out)
	out = append(out, fmt.Sprintf("xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)...)
	for _, off := range offsets {
		out = append(out, fmt.Sprintf("%010d 00000 n \n", off)...)
	}
	out = append(out, fmt.Sprintf("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)...)
	return out
}
