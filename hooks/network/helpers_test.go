package network_test

import (
	"fmt"
	"strings"
	"testing"

	"vigie/hooks/audit"
	"vigie/hooks/network"
	"vigie/internal/sirene"
	"vigie/internal/testkit"

	"github.com/pocketbase/pocketbase/core"
)

// loadDirectory imports establishments into the directory through the real
// import path, from a CSV in INSEE's column names.
func loadDirectory(t *testing.T, app core.App, lines ...[3]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("siren,nic,siret,denominationUsuelleEtablissement,codePostalEtablissement,libelleCommuneEtablissement,activitePrincipaleEtablissement,etatAdministratifEtablissement\n")
	for _, l := range lines { // siret, name, city
		fmt.Fprintf(&b, "%s,%s,%s,%s,75001,%s,43.21A,A\n", l[0][:9], l[0][9:], l[0], l[1], l[2])
	}
	r, err := sirene.NewEstablishmentReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := network.ImportDirectory(app, r, func(e *sirene.RowError) { t.Errorf("bad line: %v", e) }, nil); err != nil {
		t.Fatal(err)
	}
}

// netWorld is a testkit.World where Home, a customer, follows Supplier, whose
// admin and a second member exist, through the real route; the collector of
// the world works for Customer, which also follows Supplier.
type netWorld struct {
	*testkit.World
	Supplier       *core.Record
	SupplierAdmin  *core.Record
	SupplierMember *core.Record
	Referent       *core.Record
}

func newNetWorld(t *testing.T) *netWorld {
	t.Helper()
	w := &netWorld{World: testkit.NewWorld(t)}
	number := testkit.SIRET()
	loadDirectory(t, w.App, [3]string{number, "Fournitures Dupont", "Lyon"})
	w.Supplier = testkit.Establishment(t, w.App, "Fournitures Dupont", number)
	w.SupplierAdmin = testkit.User(t, w.App, "admin@supplier.test")
	testkit.Member(t, w.App, w.SupplierAdmin, w.Supplier, "admin")
	w.SupplierMember = testkit.User(t, w.App, "member@supplier.test")
	testkit.Member(t, w.App, w.SupplierMember, w.Supplier, "processing")
	w.Referent = testkit.User(t, w.App, "referent@supplier.test")
	w.Referent.Set("phone", "+33 4 00 00 00 00")
	if err := w.App.Save(w.Referent); err != nil {
		t.Fatal(err)
	}
	testkit.Member(t, w.App, w.Referent, w.Supplier, "processing")
	designate(t, w.App, w.addSupplier(t, w.Home, number, "referent@supplier.test").Relationship, w.Referent)
	// The collector's customer follows the supplier too: the collector is a
	// member of Home, which plays the supplier for Customer.
	return w
}

func (w *netWorld) addSupplier(t *testing.T, customer *core.Record, number, contact string) *network.Added {
	t.Helper()
	cfg := testkit.Config()
	var added *network.Added
	err := w.App.RunInTransaction(func(tx core.App) error {
		var err error
		added, err = network.AddSupplier(tx, &cfg, customer, network.NewSupplier{SIRET: number,
			Contact: network.Contact{Email: contact}}, auditEntry(), "")
		return err
	})
	if err != nil {
		t.Fatalf("add supplier: %v", err)
	}
	return added
}

// designate makes users the relationship's reference contacts, as the
// supplier's admins do (N8): a customer adding a supplier never does (S10).
func designate(t *testing.T, app core.App, rel *core.Record, users ...*core.Record) {
	t.Helper()
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.Id
	}
	rel.Set("referents", ids)
	if err := app.Save(rel); err != nil {
		t.Fatal(err)
	}
}

func auditEntry() audit.Entry { return audit.Entry{ActorEmail: "test"} }
