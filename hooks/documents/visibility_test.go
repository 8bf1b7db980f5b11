package documents_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/testkit"
)

// visible is who sees which of Home's documents: N5 (collected types of an
// active relationship, specific documents to their addressee only), the
// matrix (delivery: own uploads; collector: its customer's types; archive
// and financial with module and profile, on either side), T7 (an adviser
// sees only its assigned relationships).
var visible = map[testkit.Actor][]string{
	testkit.Admin:             {"kbis1", "kbis2", "urssaf", "insurance", "rib", "quality", "charter"},
	testkit.FullAccess:        {"kbis1", "kbis2", "urssaf", "insurance", "rib", "quality", "charter"},
	testkit.Processing:        {"kbis2", "urssaf", "insurance", "quality", "charter"},
	testkit.ProcessingArchive: {"kbis1", "kbis2", "urssaf", "insurance", "quality", "charter"},
	testkit.Feedback:          {"kbis1", "kbis2", "urssaf", "insurance", "rib", "quality", "charter"},
	testkit.Delivery:          {"urssaf"},
	testkit.Collector:         {"kbis2", "urssaf", "quality"},
	testkit.Operator:          {"kbis1", "kbis2", "urssaf", "insurance", "rib", "quality", "charter"},
	CustomerAdmin:             {"kbis1", "kbis2", "urssaf", "rib", "quality"},
	CustomerProcessing:        {"kbis2", "urssaf", "quality"},
	CustomerFull:              {"kbis1", "kbis2", "urssaf", "quality"},
	Customer2Admin:            {"insurance", "charter"},
	// Guest, sister, outsider (relationship ended), support (not let in),
	// customer adviser and customer delivery: nothing.
}

var docActors = append(slices.Clone(testkit.Actors),
	CustomerAdmin, CustomerProcessing, CustomerFull, CustomerAdviser, CustomerDelivery, Customer2Admin)

// N5, T3, T4, T7: every actor lists exactly its documents, views only those,
// and fetches only their files, even holding a valid file token (D3).
func TestDocumentVisibilityN5(t *testing.T) {
	w := newDocWorld(t)
	for _, a := range docActors {
		seen := visible[a]
		var want, not []string
		for _, name := range docNames {
			if slices.Contains(seen, name) {
				want = append(want, `"id":"`+w.Docs[name].Id+`"`)
			} else {
				not = append(not, `"id":"`+w.Docs[name].Id+`"`)
			}
		}
		if len(want) == 0 {
			want = testkit.EmptyList
		}
		w.As(t, a, tests.ApiScenario{
			Name: "list documents", Method: http.MethodGet,
			URL:            "/api/collections/documents/records?perPage=100",
			ExpectedStatus: 200, ExpectedContent: append(want, `"totalItems":`+strconv.Itoa(len(seen))+`,`), NotExpectedContent: not,
		}).Test(t)
		for _, name := range docNames {
			doc := w.Docs[name]
			status, content := 404, testkit.Body404
			if slices.Contains(seen, name) {
				status, content = 200, []string{`"id":"` + doc.Id + `"`}
			}
			var hidden []string
			if a != testkit.Operator {
				hidden = []string{"accessKey", "supplierKey", "ownerKey"}
			}
			w.As(t, a, tests.ApiScenario{
				Name: "view " + name, Method: http.MethodGet,
				URL:            "/api/collections/documents/records/" + doc.Id,
				ExpectedStatus: status, ExpectedContent: content, NotExpectedContent: hidden,
			}).Test(t)
			fileStatus, fileContent := 404, testkit.Body404
			if slices.Contains(seen, name) {
				fileStatus, fileContent = 200, []string{"%PDF-1.7"}
			}
			w.As(t, a, tests.ApiScenario{
				Name: "fetch the file of " + name, Method: http.MethodGet,
				URL:            "/api/files/documents/" + doc.Id + "/" + doc.GetString("file") + "?token=" + w.fileToken(t, a),
				Headers:        map[string]string{"Authorization": ""},
				ExpectedStatus: fileStatus, ExpectedContent: fileContent,
			}).Test(t)
		}
	}
}

// fileToken is the token PocketBase gives actor for protected files; the
// guest has none.
func (w *docWorld) fileToken(t *testing.T, a testkit.Actor) string {
	t.Helper()
	r := w.Users[a]
	if a == testkit.Operator {
		r = w.Operator()
	}
	if r == nil {
		return ""
	}
	token, err := r.NewFileToken()
	if err != nil {
		t.Fatal(err)
	}
	return token
}
