package documents_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie/internal/handler"
	"vigie/internal/testkit"
)

// X2: the compliance CSV holds exactly the cells the same reader pages
// through with the same filters, in order, in a file French spreadsheets
// open (BOM, ";", CRLF), with a name that would be a formula kept as text;
// readers without reports, or outside, get the route's refusals.
func TestComplianceCSVMatchesTheAnswerX2(t *testing.T) {
	w := newDocWorld(t)
	sup := testkit.Establishment(t, w.App, `=HYPERLINK("http://evil.test","clic")`, testkit.SIRET())
	w.relationship(t, w.Customer, sup, "active", nil)
	h, err := handler.New(w.App)
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/vigie/establishments/" + w.Customer.Id + "/compliance"
	get := func(actor testkit.Actor, query string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, base+"?"+query, nil)
		for k, v := range w.Headers(t, actor) {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, actor := range []testkit.Actor{CustomerAdmin, CustomerAdviser, testkit.Operator} {
		for _, filter := range []string{"", "&status=missing", "&q=hyperlink"} {
			whole := get(actor, "perPage=500"+filter)
			var answer filterPage
			if whole.Code != http.StatusOK || json.Unmarshal(whole.Body.Bytes(), &answer) != nil {
				t.Fatalf("%s %s: %d", actor, filter, whole.Code)
			}
			rec := get(actor, "format=csv"+filter)
			body := rec.Body.Bytes()
			if rec.Code != http.StatusOK || !bytes.HasPrefix(body, []byte("\ufeff")) || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("%s %s: %d %q", actor, filter, rec.Code, rec.Header().Get("Content-Type"))
			}
			r := csv.NewReader(bytes.NewReader(body[3:]))
			r.Comma = ';'
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if rows[0][0] != "Fournisseur" || !bytes.Contains(body, []byte("\r\n")) {
				t.Errorf("%s: header %v", actor, rows[0])
			}
			if len(rows)-1 != len(answer.Items) {
				t.Fatalf("%s %s: %d rows, the answer has %d cells", actor, filter, len(rows)-1, len(answer.Items))
			}
			status := map[string]string{"valid": "Valide", "expiring": "Expire bientôt", "expired": "Expiré", "missing": "Manquant"}
			for i, it := range answer.Items {
				row := rows[i+1]
				name := it.Supplier.Name
				if strings.HasPrefix(name, "=") {
					name = "'" + name
				}
				if row[0] != name || row[1] != it.Supplier.SIRET || row[3] != status[it.Status] {
					t.Errorf("%s %s row %d: %v, want %s %s %s", actor, filter, i, row, name, it.Supplier.SIRET, it.Status)
				}
			}
			if filter == "&q=hyperlink" && actor == CustomerAdmin && len(answer.Items) == 0 {
				t.Fatal("the admin does not see the supplier named as a formula: the test proves nothing")
			}
			if filter == "&q=hyperlink" && len(answer.Items) > 0 && !strings.HasPrefix(rows[1][0], `'=HYPERLINK`) {
				t.Errorf("%s: the formula is not kept as text: %v", actor, rows)
			}
		}
	}
	for actor, want := range map[testkit.Actor]int{CustomerProcessing: 403, testkit.Outsider: 404, testkit.Guest: 401} {
		if rec := get(actor, "format=csv"); rec.Code != want || strings.Contains(rec.Body.String(), "Fournisseur") {
			t.Errorf("%s: %d, want %d and no rows", actor, rec.Code, want)
		}
	}
	if rec := get(CustomerAdmin, "format=xlsx"); rec.Code != 400 || !strings.Contains(rec.Body.String(), `"format"`) {
		t.Errorf("format=xlsx: %d %s", rec.Code, rec.Body)
	}
	if rec := get(CustomerAdmin, "format=csv&lang=en"); !strings.Contains(rec.Body.String(), "Supplier;SIRET;Document type") {
		t.Errorf("English CSV: %s", fmt.Sprint(rec.Body.String()[:min(80, rec.Body.Len())]))
	}
}
