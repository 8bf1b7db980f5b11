package documents

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/contracts"
	"vigie/internal/calendar"
	"vigie/internal/schema"
)

// Statuses of a (customer, supplier) pair under the vigilance duty (V4).
const (
	DutyCompliant  = "compliant"
	DutyDueSoon    = "due_soon"
	DutyOverdue    = "overdue"
	DutyNotSubject = "not_subject"
)

// SupplierDuty is where one supplier stands for the customer under the
// vigilance duty (V1, V4): the status, the last and next due dates, and the
// required types with no document valid on the date that decides it.
//
// A relationship with no contract recorded is subject (nothing shows it is
// below the threshold): it is judged on the day itself, due_soon when a
// required document lapses within the expiring window, and says
// NoContract, so that no supplier becomes "not subject" by omission.
type SupplierDuty struct {
	Supplier   string   `json:"supplier"`
	Status     string   `json:"status"`
	LastDue    string   `json:"lastDue"`
	NextDue    string   `json:"nextDue"`
	Missing    []string `json:"missing"`
	NoContract bool     `json:"noContract"`
}

// lawRequired are the built-in types the duty requires of a French
// co-contractor whatever the customer collects (V2: the URSSAF attestation
// and a proof of registration), and of public procurement (the tax
// certificate).
var (
	lawRequired       = []string{"urssaf", "kbis"}
	procurementAdds   = "tax"
	lawRequiredByCode = append(append([]string{}, lawRequired...), procurementAdds)
)

type dutyDoc struct {
	Supplier   string         `db:"supplier"`
	Type       string         `db:"type"`
	IssuedOn   types.DateTime `db:"issuedOn"`
	ValidFrom  types.DateTime `db:"validFrom"`
	ValidUntil types.DateTime `db:"validUntil"`
}

// validOn reports whether d was valid on day: issued (or valid from) on or
// before it, not ended before it.
func (d dutyDoc) validOn(day Day) bool {
	start := d.IssuedOn
	if start.IsZero() {
		start = d.ValidFrom
	}
	return !start.IsZero() && dayOf(start) <= day && (d.ValidUntil.IsZero() || dayOf(d.ValidUntil) >= day)
}

// duties assesses suppliers (at most itemsBatch) for customer; collected
// and kinds are the batch's requirements (collectedBySupplier).
func (s *Service) duties(app core.App, customer string, suppliers []any, collected func(string) []string, kinds map[string]Kind) ([]SupplierDuty, error) {
	var rows []struct {
		Supplier    string         `db:"supplier"`
		Amount      float64        `db:"amountExclTax"`
		StartsOn    types.DateTime `db:"startsOn"`
		EndsOn      types.DateTime `db:"endsOn"`
		Procurement bool           `db:"publicProcurement"`
		CoContract  string         `db:"coContractor"`
	}
	err := app.DB().Select("supplier", "amountExclTax", "startsOn", "endsOn", "publicProcurement", "coContractor").
		From(schema.Contracts).Where(dbx.HashExp{"customer": customer}).AndWhere(dbx.In("supplier", suppliers...)).All(&rows)
	if err != nil {
		return nil, err
	}
	bySupplier := map[string][]contracts.Contract{}
	for _, r := range rows {
		c := contracts.Contract{Amount: r.Amount, StartsOn: string(dayOf(r.StartsOn)), PublicProcurement: r.Procurement, Foreign: r.CoContract == "foreign"}
		if !r.EndsOn.IsZero() {
			c.EndsOn = string(dayOf(r.EndsOn))
		}
		bySupplier[r.Supplier] = append(bySupplier[r.Supplier], c)
	}
	builtIn, err := builtInTypes(app, lawRequiredByCode)
	if err != nil {
		return nil, err
	}
	today := s.today()
	assessed := make([]contracts.Duty, len(suppliers))
	required := make([][]string, len(suppliers))
	var subject, typeIDs []any
	for i, id := range suppliers {
		sup := id.(string)
		d := contracts.Assess(bySupplier[sup], string(today), s.Cfg.DutyThresholdEUR)
		if len(bySupplier[sup]) == 0 {
			d = contracts.Duty{Subject: true}
		}
		assessed[i] = d
		if !d.Subject {
			continue
		}
		required[i] = requiredTypes(d, collected(sup), kinds, builtIn)
		subject = append(subject, sup)
		for _, t := range required[i] {
			typeIDs = append(typeIDs, t)
		}
	}
	held := map[string][]dutyDoc{} // supplier + type
	if len(subject) > 0 && len(typeIDs) > 0 {
		var docs []dutyDoc
		err := app.DB().Select("supplier", "type", "issuedOn", "validFrom", "validUntil").From(schema.Documents).
			Where(dbx.In("supplier", subject...)).AndWhere(dbx.In("type", typeIDs...)).
			AndWhere(dbx.NewExp("(addressee = '' OR addressee = {:c})", dbx.Params{"c": customer})).All(&docs)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			held[d.Supplier+":"+d.Type] = append(held[d.Supplier+":"+d.Type], d)
		}
	}
	out := make([]SupplierDuty, len(suppliers))
	for i, id := range suppliers {
		sup, d := id.(string), assessed[i]
		out[i] = SupplierDuty{Supplier: sup, Status: DutyNotSubject, LastDue: d.LastDue, NextDue: d.NextDue, Missing: []string{}}
		if !d.Subject {
			continue
		}
		lacking := func(day string) []string {
			var codes []string
			for _, t := range required[i] {
				ok := false
				for _, doc := range held[sup+":"+t] {
					ok = ok || doc.validOn(Day(day))
				}
				if !ok {
					codes = append(codes, kinds[t].Code)
				}
			}
			return codes
		}
		out[i].Status = DutyCompliant
		if out[i].NoContract = len(bySupplier[sup]) == 0; out[i].NoContract {
			if missing := lacking(string(today)); len(missing) > 0 {
				out[i].Status, out[i].Missing = DutyOverdue, missing
			} else if missing := lacking(calendar.AddDays(string(today), s.Cfg.ExpiringDays)); len(missing) > 0 {
				out[i].Status, out[i].Missing = DutyDueSoon, missing
			}
			continue
		}
		if missing := lacking(d.LastDue); len(missing) > 0 {
			out[i].Status, out[i].Missing = DutyOverdue, missing
		} else if d.NextDue != "" && calendar.DaysBetween(string(today), d.NextDue) <= s.Cfg.ExpiringDays {
			if missing := lacking(d.NextDue); len(missing) > 0 {
				out[i].Status, out[i].Missing = DutyDueSoon, missing
			}
		}
	}
	return out, nil
}

// requiredTypes is what the duty requires of one supplier: the legal types
// its customer collects, and for a French co-contractor those the law
// names (V2; the foreign set is not built yet).
func requiredTypes(d contracts.Duty, collected []string, kinds map[string]Kind, builtIn map[string]Kind) []string {
	seen := map[string]bool{}
	var out []string
	add := func(k Kind) {
		if !seen[k.ID] {
			seen[k.ID] = true
			kinds[k.ID] = k
			out = append(out, k.ID)
		}
	}
	for _, t := range collected {
		if kinds[t].Kind == schema.KindLegal {
			add(kinds[t])
		}
	}
	if !d.Foreign {
		for _, code := range lawRequired {
			if k, ok := builtIn[code]; ok {
				add(k)
			}
		}
	}
	if k, ok := builtIn[procurementAdds]; ok && d.PublicProcurement {
		add(k)
	}
	return out
}

// builtInTypes loads the catalogue's types by code.
func builtInTypes(app core.App, codes []string) (map[string]Kind, error) {
	var rows []Kind
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	err := app.DB().Select("id", "code", "name", "kind").From(schema.DocumentTypes).
		Where(dbx.HashExp{"owner": ""}).AndWhere(dbx.In("code", args...)).All(&rows)
	out := make(map[string]Kind, len(rows))
	for _, k := range rows {
		out[k.Code] = k
	}
	return out, err
}
