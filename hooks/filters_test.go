package hooks_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"vigie/hooks/demo"
	"vigie/internal/handler"
	"vigie/internal/oraclenet"
	"vigie/internal/querypolicy"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

func list(collection string, params ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	return "/api/collections/" + collection + "/records?" + q.Encode()
}

// S8 (issue 18, item 1): a client's filters and sorts name only what the
// caller reads in the answers. The first rows are the attacks on
// the demo data: with stock PocketBase the two Leroy filters give 1 and 2
// rows, reading the customer's other suppliers' names.
func TestFiltersAndSortsNameOnlyWhatTheCallerReadsS8(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	if _, err := demo.Load(app, &cfg); err != nil {
		t.Fatal(err)
	}
	client := oraclenet.NewClient(t, app)
	marcUser, err := app.FindAuthRecordByEmail(schema.Users, "marc.martin@martin.demo")
	if err != nil {
		t.Fatal(err)
	}
	marc, operator := testkit.Token(t, marcUser), testkit.Token(t, testkit.Superuser(t, app))
	martin, _ := app.FindFirstRecordByFilter(schema.Memberships, "user = {:u}", map[string]any{"u": marcUser.Id})
	own := martin.GetString("establishment")

	refused := []struct{ name, path, param, names string }{
		{"the customer's other suppliers, by name", list(schema.Relationships, "filter", "customer.relationships_via_customer.supplier.name !~ 'Leroy'"), "filter", "customer.relationships_via_customer.supplier.name"},
		{"the same, SIRET prefix", list(schema.Relationships, "filter", "customer.relationships_via_customer.supplier.siret ~ '5%'"), "filter", "customer.relationships_via_customer.supplier.siret"},
		{"a supplier's documents through the documents list", list(schema.Documents, "filter", "supplier.documents_via_supplier.type != 'x'"), "filter", "supplier.documents_via_supplier.type"},
		{"file names of hidden documents", list(schema.Relationships, "filter", "supplier.documents_via_supplier.file !~ 'rib'"), "filter", "supplier.documents_via_supplier.file"},
		{"a multi-relation's targets", list(schema.Relationships, "filter", "referents.email != 'x'"), "filter", "referents.email"},
		{"inside a group", list(schema.Relationships, "filter", "status = 'active' && (owner = '' || customer.relationships_via_customer.status != 'ended')"), "filter", "customer.relationships_via_customer.status"},
		{"inside a function", list(schema.Relationships, "filter", "strftime('%Y', customer.relationships_via_customer.created) != '2020'"), "filter", "customer.relationships_via_customer.created"},
		{"an establishment's private setting", list(schema.Establishments, "filter", "requireTotp = true"), "filter", "requireTotp"},
		{"a user's security field", list(schema.Users, "filter", "totpEnabled = true"), "filter", "totpEnabled"},
		{"a user's last sign-in, with a modifier", list(schema.Users, "filter", "lastLoginAt:lower > '2026'"), "filter", "lastLoginAt:lower"},
		{"sort by a private setting", list(schema.Establishments, "sort", "-supportAccess"), "sort", "supportAccess"},
		{"sort through an undeclared path", list(schema.Relationships, "sort", "supplier.requireTotp"), "sort", "supplier.requireTotp"},
		{"sort through a back-relation", list(schema.Relationships, "sort", "created,customer.relationships_via_customer.supplier.name"), "sort", "customer.relationships_via_customer.supplier.name"},
	}
	for _, c := range refused {
		t.Run("refused: "+c.name, func(t *testing.T) {
			status, body := client.Do(t, http.MethodGet, c.path, marc, nil)
			data, _ := body["data"].(map[string]any)
			field, _ := data[c.param].(map[string]any)
			if status != http.StatusBadRequest || field["code"] != "validation_path_not_allowed" ||
				!strings.Contains(fmt.Sprint(field["message"]), c.names) {
				t.Fatalf("got %d %v, want 400 naming %s in %s", status, body, c.names, c.param)
			}
		})
	}

	// PocketBase's own refusal, kept: @collection and @request are for
	// superusers only in a client's filter.
	for _, filter := range []string{"@collection.documents.file != ''", "@request.auth.memberships_via_user.establishment.name != ''"} {
		if status, body := client.Do(t, http.MethodGet, list(schema.Establishments, "filter", filter), marc, nil); status != http.StatusForbidden {
			t.Errorf("%s: got %d %v, want PocketBase's 403", filter, status, body)
		}
	}

	allowed := []struct {
		name, path, token string
		min               int // items the answer must hold
	}{
		{"the pages' filter", list(schema.Relationships, "filter", fmt.Sprintf("supplier = %q && status = 'active'", own), "sort", "-created"), marc, 1},
		{"declared paths", list(schema.Relationships, "filter", "customer.name ~ 'Durand' && supplier.siret != ''", "sort", "customer.name,-supplier.name"), marc, 1},
		{"macros and modifiers", list(schema.Relationships, "filter", "created <= @now && status:lower = 'active'"), marc, 1},
		{"an own JSON field's keys", list(schema.Notifications, "filter", "data.document != 'none'"), marc, 0},
		{"a multi-relation's own ids", list(schema.Relationships, "filter", fmt.Sprintf("referents ?= %q || referents:length >= 0", marcUser.Id)), marc, 1},
		{"random order", list(schema.Relationships, "sort", "@random"), marc, 1},
		{"the operator's dashboard keeps every path", list(schema.Relationships, "filter", "customer.relationships_via_customer.supplier.name !~ 'Qzxw'", "sort", "supplier.requireTotp"), operator, 2},
	}
	for _, c := range allowed {
		t.Run("allowed: "+c.name, func(t *testing.T) {
			status, body := client.Do(t, http.MethodGet, c.path, c.token, nil)
			items, _ := body["items"].([]any)
			if status != http.StatusOK || len(items) < c.min {
				t.Fatalf("got %d %v, want 200 with at least %d items", status, body, c.min)
			}
		})
	}

	t.Run("realtime subscriptions", func(t *testing.T) {
		h, err := handler.New(app)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		for _, c := range []struct {
			filter string
			want   int
		}{
			{"customer.relationships_via_customer.supplier.name !~ 'Leroy'", http.StatusBadRequest},
			{"supplier.requireTotp = true", http.StatusBadRequest},
			{"status = 'active' && customer.name ~ 'Durand'", http.StatusNoContent},
		} {
			if got := subscribe(t, srv, marc, schema.Relationships, c.filter); got != c.want {
				t.Errorf("subscribing with %q: %d, want %d", c.filter, got, c.want)
			}
		}
	})
}

// subscribe opens a realtime connection and subscribes it to collection's
// records with filter, giving the subscription's status.
func subscribe(t *testing.T, srv *httptest.Server, token, collection, filter string) int {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + "/api/realtime")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	ids := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(res.Body)
		for scanner.Scan() {
			if data, ok := strings.CutPrefix(scanner.Text(), "data:"); ok {
				var connect struct{ ClientID string }
				if json.Unmarshal([]byte(data), &connect) == nil && connect.ClientID != "" {
					ids <- connect.ClientID
					return
				}
			}
		}
	}()
	var id string
	select {
	case id = <-ids:
	case <-time.After(5 * time.Second):
		t.Fatal("no PB_CONNECT")
	}
	options, _ := json.Marshal(map[string]any{"query": map[string]string{"filter": filter}})
	topic := collection + "/*?options=" + url.QueryEscape(string(options))
	body, _ := json.Marshal(map[string]any{"clientId": id, "subscriptions": []string{topic}})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/realtime", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	sub, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sub.Body.Close()
	return sub.StatusCode
}

// The declared filter paths (S8) go through a relation whose target the
// caller reads whenever it reads the row: on random networks, every
// user's list of each collection expands every such relation it holds.
func TestDeclaredPathsTargetsAreReadable(t *testing.T) {
	for seed := range 2 {
		rng := rand.New(rand.NewPCG(uint64(seed+1), 29))
		app := testkit.NewApp(t)
		n := oraclenet.Build(t, app, rng, oraclenet.Size{Users: 10, Documents: 20})
		client := oraclenet.NewClient(t, app)
		for _, collection := range []string{schema.Relationships, schema.Requirements, schema.Documents, schema.Memberships} {
			relations := map[string]bool{}
			for _, p := range querypolicy.Declared(collection) {
				relations[strings.Split(p, ".")[0]] = true
			}
			var expand []string
			for r := range relations {
				expand = append(expand, r)
			}
			checked := 0
			for _, u := range n.Users {
				status, body := client.Do(t, http.MethodGet, list(collection, "expand", strings.Join(expand, ","), "perPage", "500"), testkit.Token(t, u), nil)
				if status != http.StatusOK {
					t.Fatalf("%s as %s: %d", collection, u.Email(), status)
				}
				items, _ := body["items"].([]any)
				for _, raw := range items {
					item := raw.(map[string]any)
					expanded, _ := item["expand"].(map[string]any)
					for r := range relations {
						if id, _ := item[r].(string); id != "" && expanded[r] == nil {
							t.Errorf("seed %d: %s reads %s %s but not its %s %s", seed+1, n.DescribeUser(u), collection, item["id"], r, id)
						}
						checked++
					}
				}
			}
			if checked == 0 {
				t.Errorf("seed %d: no %s row was checked", seed+1, collection)
			}
		}
	}
}
