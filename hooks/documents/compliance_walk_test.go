package documents_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"vigie/hooks/documents"
	"vigie/internal/oraclenet"
	"vigie/internal/testkit"
)

// The walk along the establishments' name index (issue 17: a page of a
// large customer's compliance) gives the pages the sort gives, row for row,
// for every establishment as customer, every user's visibility (grants)
// and every page size and offset, on random networks with ended
// relationships and names in common.
func TestSuppliersByWalkMatchesTheSort(t *testing.T) {
	for seed := range 3 {
		rng := rand.New(rand.NewPCG(uint64(seed+1), 41))
		app := testkit.NewApp(t)
		n := oraclenet.Build(t, app, rng, oraclenet.Size{Users: 10, Documents: 0})
		// Two establishments with one name: the order falls back on the id.
		if len(n.Ests) > 2 {
			n.Ests[1].Set("name", n.Ests[2].GetString("name"))
			testkit.Save(t, app, n.Ests[1])
		}
		viewers := []string{""}
		for _, u := range n.Users {
			viewers = append(viewers, u.Id)
		}
		compared := 0
		for _, customer := range n.Ests {
			for _, viewer := range viewers {
				all, err := documents.VisibleSuppliers(app, customer.Id, viewer, "", 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				for _, perPage := range []int{1, 2, 3, 50} {
					for offset := 0; offset <= len(all); offset += perPage {
						want, err := documents.VisibleSuppliers(app, customer.Id, viewer, "", perPage, offset)
						if err != nil {
							t.Fatal(err)
						}
						got, err := documents.SuppliersByWalk(app, customer.Id, viewer, perPage, offset)
						if err != nil {
							t.Fatal(err)
						}
						if len(want)+len(got) > 0 && !reflect.DeepEqual(got, want) {
							t.Fatalf("seed %d, customer %s, viewer %q, %d from %d: walk %v, sort %v", seed+1, customer.Id, viewer, perPage, offset, got, want)
						}
						compared += len(want)
					}
				}
			}
		}
		if compared == 0 {
			t.Fatalf("seed %d: no supplier compared", seed+1)
		}
	}
}
