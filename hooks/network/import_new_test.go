package network_test

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/network"
	"vigie/internal/schema"
	"vigie/internal/sirene"
	"vigie/internal/testkit"
)

// TestBulkImportMatchesRecordPath (N3, N5, N7, T5) adds the same kind of
// supplier twice to Home, a customer with a member of every profile and
// requirements of every kind: once through AddSupplier, which saves records
// and lets the hooks derive grants and access rows, once through the bulk
// path. Everything either wrote, with ids replaced by roles, must be equal.
func TestBulkImportMatchesRecordPath(t *testing.T) {
	for _, caller := range []testkit.Actor{testkit.Admin, testkit.Processing, testkit.Operator} {
		t.Run(string(caller), func(t *testing.T) {
			w := testkit.NewWorld(t)
			for _, code := range []string{"kbis", "bank_details"} {
				testkit.Record(t, w.App, schema.Requirements, map[string]any{"customer": w.Home.Id, "type": testkit.TypeID(t, w.App, code)})
			}
			// A requirement naming another supplier opens nothing to a new one.
			testkit.Record(t, w.App, schema.Requirements, map[string]any{"customer": w.Home.Id,
				"type": testkit.TypeID(t, w.App, "urssaf"), "supplier": w.Unrelated.Id})
			callerID := ""
			if caller != testkit.Operator {
				callerID = w.Users[caller].Id
			}
			bySave, byBulk := testkit.SIRET(), testkit.SIRET()
			loadSameNames(t, w.App, bySave, byBulk)
			cfg := testkit.Config()
			actor := audit.Entry{ActorEmail: "someone@home.test", Actor: callerID, IP: "192.0.2.1"}

			err := w.App.RunInTransaction(func(tx core.App) error {
				_, err := network.AddSupplier(tx, &cfg, w.Home, network.NewSupplier{SIRET: bySave,
					Contact: network.Contact{Email: "saved@supplier.test", FirstName: "Ada", LastName: "Lovelace"}}, actor, callerID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			err = w.App.RunInTransaction(func(tx core.App) error {
				n, err := network.BulkAdd(tx, &cfg, w.Home, []network.NewSupplier{{SIRET: byBulk,
					Contact: network.Contact{Email: "bulk@supplier.test", FirstName: "Ada", LastName: "Lovelace"}}}, actor, callerID)
				if err == nil && n != 1 {
					err = fmt.Errorf("the bulk path took %d rows, want 1", n)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}

			saved, bulk := snapshot(t, w, bySave, "saved@supplier.test"), snapshot(t, w, byBulk, "bulk@supplier.test")
			if len(saved) < 20 {
				t.Fatalf("the record path wrote only %d rows: the comparison would prove little", len(saved))
			}
			for i := range max(len(saved), len(bulk)) {
				s, b := at(saved, i), at(bulk, i)
				if s != b {
					t.Errorf("row %d:\n record path: %s\n bulk path:   %s", i, s, b)
				}
			}
		})
	}
}

func at(rows []string, i int) string {
	if i < len(rows) {
		return rows[i]
	}
	return "(none)"
}

// loadSameNames puts two establishments with one name in the directory, so
// that what the paths write differs only by identifiers.
func loadSameNames(t *testing.T, app core.App, sirets ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("siren,nic,siret,denominationUsuelleEtablissement,codePostalEtablissement,libelleCommuneEtablissement,activitePrincipaleEtablissement,etatAdministratifEtablissement\n")
	for _, s := range sirets {
		fmt.Fprintf(&b, "%s,%s,%s,Fournisseur Pareil,69001,Lyon,43.21A,A\n", s[:9], s[9:], s)
	}
	r, err := sirene.NewEstablishmentReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := network.ImportDirectory(app, r, func(e *sirene.RowError) { t.Errorf("bad line: %v", e) }, nil); err != nil {
		t.Fatal(err)
	}
}

// snapshot lists, sorted, every row a supplier's addition wrote: the
// establishment, its directory row, the contact, memberships, the
// relationship, grants, access rows, notifications and audit entries, with
// ids, dates and secrets replaced by what they stand for.
func snapshot(t *testing.T, w *testkit.World, number, email string) []string {
	t.Helper()
	app := w.App
	est, err := app.FindFirstRecordByData(schema.Establishments, "siret", number)
	if err != nil {
		t.Fatal(err)
	}
	contact, err := app.FindAuthRecordByEmail(schema.Users, email)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := app.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}", dbx.Params{"c": w.Home.Id, "s": est.Id})
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{est.Id: "SUPPLIER", contact.Id: "CONTACT", rel.Id: "REL", w.Home.Id: "HOME", number: "SIRET", number[:9]: "SIREN", email: "EMAIL"}
	for actor, u := range w.Users {
		roles[u.Id] = "user:" + string(actor)
	}
	for actor, m := range w.Memberships {
		roles[m.Id] = "membership:" + string(actor)
	}
	memberships, err := app.FindAllRecords(schema.Memberships, dbx.HashExp{"establishment": est.Id})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range memberships {
		roles[m.Id] = fmt.Sprintf("SUPPLIER_MEMBERSHIP%d", i)
	}
	invitations, err := app.FindAllRecords(schema.Invitations, dbx.HashExp{"establishment": est.Id})
	if err != nil {
		t.Fatal(err)
	}
	for i, inv := range invitations {
		roles[inv.Id] = fmt.Sprintf("INVITATION%d", i)
	}
	ids := slices.Collect(maps.Keys(roles))
	// Longest first: the SIREN begins the SIRET.
	slices.SortFunc(ids, func(a, b string) int { return len(b) - len(a) })
	replace := func(s string) string {
		for _, id := range ids {
			s = strings.ReplaceAll(s, id, roles[id])
		}
		return s
	}
	var out []string
	add := func(table string, rows []dbx.NullStringMap) {
		for _, r := range rows {
			cols := make([]string, 0, len(r))
			for c, v := range r {
				switch c {
				case "id", "created", "updated", "tokenKey", "password":
					continue
				case "body": // holds the invitation's signed link
					v.String = fmt.Sprintf("%d lines", strings.Count(v.String, "\n"))
				}
				cols = append(cols, c+"="+replace(v.String))
			}
			sort.Strings(cols)
			out = append(out, table+" "+strings.Join(cols, " "))
		}
	}
	query := func(table, where string) {
		var rows []dbx.NullStringMap
		if err := app.DB().NewQuery("SELECT * FROM " + table + " WHERE " + where).Bind(dbx.Params{
			"est": est.Id, "user": contact.Id, "rel": rel.Id, "siret": number}).All(&rows); err != nil {
			t.Fatal(err)
		}
		add(table, rows)
	}
	query(schema.Establishments, "id = {:est}")
	query("directory", "siret = {:siret}")
	query(schema.Users, "id = {:user}")
	query(schema.Memberships, "establishment = {:est}")
	query(schema.Relationships, "id = {:rel}")
	query(schema.Grants, "establishment = {:est} OR relationship = {:rel} OR membership IN (SELECT id FROM memberships WHERE establishment = {:est})")
	query(schema.DocumentAccess, "relationship = {:rel} OR user = {:user} OR membership IN (SELECT id FROM memberships WHERE establishment = {:est})")
	query(schema.Invitations, "establishment = {:est}")
	query(schema.Notifications, "user = {:user}")
	query(schema.AuditLog, "recordId = {:rel} OR recordId IN (SELECT id FROM memberships WHERE establishment = {:est})"+
		" OR recordId IN (SELECT id FROM invitations WHERE establishment = {:est})")
	slices.Sort(out)
	return out
}

// TestBulkPathFallsBackRowByRow (N3): when the bulk write of a chunk fails,
// here on a directory name longer than an establishment's, the chunk is
// rolled back and imported row by row: the bad row is reported with its
// field and the others are created, with no duplicate and nothing of the bad
// row left.
func TestBulkPathFallsBackRowByRow(t *testing.T) {
	w := testkit.NewWorld(t)
	good1, bad, good2 := testkit.SIRET(), testkit.SIRET(), testkit.SIRET()
	loadDirectory(t, w.App, [3]string{good1, "Alpha", "Lyon"}, [3]string{bad, strings.Repeat("Nom trop long ", 20), "Lyon"},
		[3]string{good2, "Gamma", "Lyon"})
	csv := "siret,email\n" + good1 + ",a@fallback.test\n" + bad + ",b@fallback.test\n" + good2 + ",c@fallback.test\n"
	rows, err := network.ParseSupplierCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	cfg := testkit.Config()
	report, err := network.ImportSuppliers(w.App, &cfg, w.Home, rows, auditEntry(), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range report.Rows {
		got = append(got, fmt.Sprintf("%d %s %s", r.Line, r.Status, r.Error))
	}
	if len(got) != 3 || got[0] != "2 created " || !strings.HasPrefix(got[1], "3 invalid name: ") || got[2] != "4 created " {
		t.Fatalf("report %q", got)
	}
	for email, want := range map[string]int{"a@fallback.test": 1, "b@fallback.test": 0, "c@fallback.test": 1} {
		var n int
		if err := w.App.DB().NewQuery("SELECT count(*) FROM users WHERE email = {:e}").Bind(dbx.Params{"e": email}).Row(&n); err != nil || n != want {
			t.Errorf("%s: %d accounts, want %d (%v)", email, n, want, err)
		}
	}
	var establishments int
	_ = w.App.DB().NewQuery("SELECT count(*) FROM establishments WHERE siret = {:s}").Bind(dbx.Params{"s": bad}).Row(&establishments)
	if establishments != 0 {
		t.Errorf("the bad row's establishment was written")
	}
}
