package network

import (
	"maps"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/tenancy"
	"vigie/internal/bulk"
	"vigie/internal/config"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/sirene"
	"vigie/internal/siret"
)

// The bulk path of the supplier import (N3). Most rows of a first import
// name a supplier new to the portal with a contact new to the portal: for
// those, AddSupplier's outcome is known without reading the database row by
// row (the establishment comes from the directory, T5 makes the contact its
// admin, nothing else points at either), so a chunk of them is written with
// one INSERT per table through tenancy.Batch. Every other row, and any chunk
// whose bulk write fails, goes through AddSupplier one row at a time.

// firstOccurrences marks the rows that are the first to name their SIRET
// and the first to name their contact: only those may take the bulk path,
// so that a later row naming the same supplier or person sees it exist, as
// it would in file order.
func firstOccurrences(rows []SupplierRow) []bool {
	first := make([]bool, len(rows))
	sirets, emails := map[string]bool{}, map[string]bool{}
	for i, r := range rows {
		number, err := siret.Parse(r.input.SIRET)
		email := strings.ToLower(strings.TrimSpace(r.input.Contact.Email))
		first[i] = err == nil && !sirets[number] && !emails[email]
		sirets[number], emails[email] = true, true
	}
	return first
}

// newSupplierRow is a row eligible for the bulk path, validated.
type newSupplierRow struct {
	index int // in the chunk
	input NewSupplier
	entry *DirectoryEntry
}

// selectNewSuppliers returns the rows of chunk that add a supplier and a
// contact both unknown to the portal and whose SIRET is in the directory.
func selectNewSuppliers(tx core.App, customer *core.Record, chunk []SupplierRow, first []bool) ([]newSupplierRow, error) {
	var candidates []newSupplierRow
	for i, row := range chunk {
		in := row.input
		if row.err != "" || !first[i] || in.validate() != nil || in.SIRET == customer.GetString("siret") {
			continue
		}
		candidates = append(candidates, newSupplierRow{index: i, input: in})
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	sirets := make([]any, len(candidates))
	emails := make([]any, len(candidates))
	for i, c := range candidates {
		sirets[i], emails[i] = c.input.SIRET, c.input.Contact.Email
	}
	var known []string
	if err := tx.DB().Select("siret").From(schema.Establishments).Where(dbx.In("siret", sirets...)).Column(&known); err != nil {
		return nil, err
	}
	// Addresses compare as FindAuthRecordByEmail does: without case.
	var people []string
	if err := tx.DB().Select("lower(email)").From(schema.Users).Where(inNoCase("email", emails)).Column(&people); err != nil {
		return nil, err
	}
	var entries []DirectoryEntry
	if err := tx.DB().Select(strings.Split(directoryColumns, ", ")...).From("directory").Where(dbx.In("siret", sirets...)).All(&entries); err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	for _, s := range append(known, people...) {
		skip[s] = true
	}
	// An address at the customer's own domains goes the row-by-row way,
	// which refuses it (S10).
	domains, err := ownDomains(tx, customer)
	if err != nil {
		return nil, err
	}
	for _, c := range candidates {
		if domains[domainOf(c.input.Contact.Email)] {
			skip[c.input.Contact.Email] = true
		}
	}
	directory := make(map[string]*DirectoryEntry, len(entries))
	for i := range entries {
		directory[entries[i].SIRET] = &entries[i]
	}
	selected := candidates[:0]
	for _, c := range candidates {
		c.entry = directory[c.input.SIRET]
		if c.entry != nil && !skip[c.input.SIRET] && !skip[c.input.Contact.Email] {
			selected = append(selected, c)
		}
	}
	return selected, nil
}

// addNewSuppliers writes rows with one INSERT per table: per row, what
// AddSupplier writes for a new supplier and a new contact.
func addNewSuppliers(tx core.App, cfg *config.Config, customer *core.Record, rows []newSupplierRow, actor audit.Entry, callerID string) ([]ImportRow, error) {
	relCol, err := tx.FindCachedCollectionByNameOrId(schema.Relationships)
	if err != nil {
		return nil, err
	}
	toDirectory := tx.DB().NewQuery(upsertDirectory).Prepare()
	defer toDirectory.Close()
	w := bulk.New()
	batch := tenancy.NewBatch(tx, w)
	out := make([]ImportRow, len(rows))
	for i, row := range rows {
		est, err := newEstablishment(tx, row.entry)
		if err != nil {
			return nil, err
		}
		est.Id = core.GenerateDefaultRandomId()
		// The validation a save runs (and the hook deriving the SIREN), without the save.
		if err := tx.Validate(est); err != nil {
			return nil, err
		}
		if err := w.Record(est); err != nil {
			return nil, err
		}
		// N1: the directory holds every establishment of the portal, as the
		// save hook keeps it; most rows already read as they would be written.
		if want := portalDirectoryRow(est); !sameDirectoryRow(want, row.entry) {
			if _, err := toDirectory.Bind(want).Execute(); err != nil {
				return nil, err
			}
		}
		c := row.input.Contact
		_, err = batch.InviteFirstContact(cfg, est, tenancy.NewMember{Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
			Profile: string(profiles.Collector), CollectorFor: customer.Id}, actor)
		if err != nil {
			return nil, err
		}
		rel := core.NewRecord(relCol)
		rel.Set("customer", customer.Id)
		rel.Set("supplier", est.Id)
		rel.Set("owner", callerID)
		rel.Set("status", schema.RelationshipActive)
		rel.Set("referents", []string{})
		rel.Set("invitedContact", c.Email)
		if err := batch.AddRelationship(rel, nil); err != nil {
			return nil, err
		}
		if err := audit.Queue(tx, w, relationshipEntry(actor, customer, est, rel, c.Email)); err != nil {
			return nil, err
		}
		out[i] = ImportRow{SIRET: est.GetString("siret"), Status: StatusCreated}
	}
	return out, w.Flush(tx)
}

// inNoCase is column IN values, compared without case.
func inNoCase(column string, values []any) dbx.Expression {
	params := make(dbx.Params, len(values))
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = "{:v" + strconv.Itoa(i) + "}"
		params["v"+strconv.Itoa(i)] = v
	}
	return dbx.NewExp("[["+column+"]] COLLATE NOCASE IN ("+strings.Join(names, ", ")+")", params)
}

// sameDirectoryRow reports whether the directory already holds row as e.
func sameDirectoryRow(row dbx.Params, e *DirectoryEntry) bool {
	stored := directoryParams(sirene.Establishment{SIRET: e.SIRET, SIREN: e.SIREN, Name: e.Name, Address: e.Address,
		PostalCode: e.PostalCode, City: e.City, NAF: e.NAF, Active: e.Active})
	return maps.EqualFunc(row, stored, func(a, b any) bool { return a == b })
}
