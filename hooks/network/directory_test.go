package network_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"vigie/hooks/network"
	"vigie/internal/sirene"
	"vigie/internal/testkit"
)

// N1: search by name prefix (accents ignored), SIREN, SIRET or its leading
// digits; public fields only; signed-in users only.
func TestDirectorySearchN1(t *testing.T) {
	w := testkit.NewWorld(t)
	durand, poste := "73282932000074", "35600000049837"
	loadDirectory(t, w.App, [3]string{durand, "Bâtiments Durand", "Paris"}, [3]string{poste, "Bureau de Poste", "Lyon"})
	cases := []struct {
		q          string
		want, none []string
	}{
		{"bati", []string{durand}, []string{poste}},
		{"BÂTIMENTS dur", []string{durand}, []string{poste}},
		{"batiments poste", []string{`"items":[]`}, []string{durand, poste}},
		{"732 829 320", []string{durand}, []string{poste}},
		{durand, []string{durand, `"siren":"732829320"`, `"active":true`, `"city":"Paris"`}, []string{poste}},
		{"35600", []string{poste}, []string{durand}},
		{"Home", []string{w.Home.GetString("siret")}, []string{durand}}, // created in the portal
		{`"; DROP TABLE directory; --`, []string{`"items":[]`}, nil},
		{"", []string{`"items":[]`}, nil},
	}
	for _, c := range cases {
		w.As(t, testkit.Outsider, tests.ApiScenario{
			Name: "search " + c.q, Method: http.MethodGet, URL: "/api/vigie/directory?q=" + url.QueryEscape(c.q),
			ExpectedStatus: 200, ExpectedContent: c.want, NotExpectedContent: append(c.none, "modules", "members", "email"),
		}).Test(t)
	}
	w.As(t, testkit.Guest, tests.ApiScenario{
		Name: "guest", Method: http.MethodGet, URL: "/api/vigie/directory?q=bati",
		ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}, NotExpectedContent: []string{durand},
	}).Test(t)
}

// N1: a re-run updates instead of duplicating; malformed lines are skipped.
func TestDirectoryReimportN1(t *testing.T) {
	app := testkit.NewApp(t)
	csv := func(name string) string {
		return "siren,siret,denominationUsuelleEtablissement,etatAdministratifEtablissement\n" +
			"732829320,73282932000074," + name + ",F\n732829320,73282932000075,Bad Luhn,A\n"
	}
	for _, name := range []string{"Ancien Nom", "Nouveau Nom"} {
		r, _ := sirene.NewEstablishmentReader(strings.NewReader(csv(name)))
		var skipped []string
		stats, err := network.ImportDirectory(app, r, func(e *sirene.RowError) { skipped = append(skipped, e.Error()) }, nil)
		if err != nil || stats.Written != 1 || stats.Skipped != 1 || len(skipped) != 1 {
			t.Fatalf("stats %+v, skipped %v, %v", stats, skipped, err)
		}
	}
	items, err := network.SearchDirectory(app, "nom", 10)
	if err != nil || len(items) != 1 || items[0].Name != "Nouveau Nom" || items[0].Active {
		t.Fatalf("after re-import: %+v, %v", items, err)
	}
	if old, _ := network.SearchDirectory(app, "ancien", 10); len(old) != 0 {
		t.Fatalf("the old name is still indexed: %+v", old)
	}
}

// N1: the directory is rate-limited per client.
func TestDirectoryRateLimitN1(t *testing.T) {
	w := testkit.NewWorld(t)
	testkit.RateLimited(w.App)
	for i := 1; i <= 31; i++ {
		status, want := 200, []string{`"items":[`}
		if i == 31 {
			status, want = 429, []string{`"status":429`}
		}
		w.As(t, testkit.Outsider, tests.ApiScenario{
			Name: fmt.Sprintf("search %d", i), Method: http.MethodGet, URL: "/api/vigie/directory?q=home",
			ExpectedStatus: status, ExpectedContent: want,
		}).Test(t)
	}
}

// N1: whole-word matches come first and, when there are fewer than the
// limit, prefix matches complete them, each row once; every answer matches
// every word as a prefix.
func TestDirectorySearchWholeWordsFirstN1(t *testing.T) {
	app := testkit.NewApp(t)
	n := numbers(5, 43000000)
	importCSV(t, app, [3]string{n[0], "Garages Bernardin", "A"}, [3]string{n[1], "Garage Bernard", "A"},
		[3]string{n[2], "Garage Dupont", "A"}, [3]string{n[3], "Garagiste Bernard", "A"}, [3]string{n[4], "Garage Bernard Fils", "A"})
	for _, c := range []struct {
		q     string
		limit int
		want  []string
	}{
		{"garage bernard", 2, []string{n[1], n[4]}},           // whole words fill the limit
		{"garage bernard", 10, []string{n[1], n[4], n[0]}},    // then prefixes
		{"garag", 10, []string{n[0], n[1], n[2], n[3], n[4]}}, // prefixes only
		{"garage", 10, []string{n[1], n[2], n[4], n[0]}},      // no duplicate of the whole-word rows
		{"garage bernard fils dupont", 10, nil},               // every word required
	} {
		items, err := network.SearchDirectory(app, c.q, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range items {
			got = append(got, e.SIRET)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%q limit %d: %v, want %v", c.q, c.limit, got, c.want)
		}
	}
}
