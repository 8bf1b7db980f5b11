package main

import (
	"fmt"
	"net/url"
	"strings"
)

// cell is one call of one page as one profile, and what it measured.
type cell struct {
	call, profile   string
	method, path    string
	token           string
	guest           bool
	samples         []float64 // client time, ms, of the measured requests
	tags            []string  // their User-Agent
	server          []float64 // their server time, ms, from the request log
	status          int       // the last answer's status
	items           int       // the last answer's items, -1 if not a list
	timeout, notRun bool
	signIn          bool // measured once, when the profile signs in
	slow            bool // measured once: its first answer took longer than the cell's time
	firstID         string
	// pathFor, when set, makes the call only if the list of the cell back
	// cells before answered a row (skipped otherwise), with that row's id.
	pathFor func(id string) string
	back    int
	skipped bool
	errText string
}

// collections are the collections a guest lists (every one the API serves).
var collections = []string{"users", "establishments", "memberships", "relationships", "requirements",
	"document_types", "documents", "share_links", "locks", "notifications", "audit_log", "access_requests"}

// pageCalls lists every call, page by page as pb_public/js makes them, for each
// profile; a call a page makes only for admins is made only by admins.
func pageCalls(fx fixtures) []cell {
	var cells []cell
	// The guest first: its budget is the strictest.
	order := append([]profile{fx.profiles[len(fx.profiles)-1]}, fx.profiles[:len(fx.profiles)-1]...)
	for _, p := range order {
		add := func(call, method, path string) {
			cells = append(cells, cell{call: call, profile: p.name, method: method, path: path, token: p.token, guest: p.token == ""})
		}
		get := func(call, path string) { add(call, "GET", path) }
		// after adds a call the page makes only if the list of cells[from]
		// had a row, for its first row.
		after := func(from int, call, method string, path func(id string) string) {
			add(call, method, "")
			cells[len(cells)-1].back, cells[len(cells)-1].pathFor = len(cells)-1-from, path
		}
		if p.token == "" {
			for _, c := range collections {
				get("guest: "+c+" list", "/api/collections/"+c+"/records?perPage=1")
			}
			get("guest: compliance", "/api/vigie/establishments/"+p.est+"/compliance")
			get("guest: access overview", "/api/vigie/establishments/"+p.est+"/access-overview")
			get("guest: lock state", "/api/vigie/locks?collection=establishments&ids="+p.est)
			if fx.directory != "" {
				get("guest: directory search", "/api/vigie/directory?q="+formEscape(fx.directory))
			}
			continue
		}
		est, me := pbString(p.est), pbString(p.id)
		// Every page: api.js startPage, company.js, suppliers.js.
		get("memberships of me", records("memberships", "filter", "user = "+me, "expand", "establishment", "perPage", "200"))
		// security.js
		get("security: me", "/api/collections/users/records/"+p.id)
		// company.js (and locks.js)
		get("company: lock state", lockState("establishments", p.est))
		if p.admin {
			get("company: members", records("memberships", "filter", "establishment = "+est, "expand", "user", "sort", "created", "page", "1"))
			get("company: access requests", records("access_requests", "filter", "establishment = "+est+` && status = "pending"`, "sort", "created"))
		}
		// compliance.js
		get("compliance: dashboard", "/api/vigie/establishments/"+url.PathEscape(p.est)+"/compliance?page=1&perPage=50")
		// The filters (U1): one status, the worst first, a search typed in the box.
		get("compliance: missing only", "/api/vigie/establishments/"+url.PathEscape(p.est)+"/compliance?page=1&perPage=50&status=missing")
		get("compliance: worst first", "/api/vigie/establishments/"+url.PathEscape(p.est)+"/compliance?page=1&perPage=50&sort=status")
		get("compliance: search", "/api/vigie/establishments/"+url.PathEscape(p.est)+"/compliance?page=1&perPage=50&q=etablissement+001")
		get("document types", records("document_types", "sort", "name", "perPage", "200"))
		get("compliance: requirements", records("requirements", "filter", "customer = "+est, "expand", "type,supplier", "page", "1"))
		get("compliance: suppliers", records("relationships", "filter", "customer = "+est+` && status = "active"`, "expand", "supplier"))
		if fx.directory != "" {
			// api.js partnersMatching, as the pickers of compliance and documents search.
			get("partner picker search", records("establishments", "filter", "id != "+est+" && name ~ "+pbString(fx.directory), "sort", "name"))
		}
		// customers.js
		if p.admin {
			get("customers: members", records("memberships", "filter", "establishment = "+est, "expand", "user", "perPage", "200"))
		}
		customers := "/api/vigie/establishments/" + url.PathEscape(p.est) + "/customers?page=1&perPage=50"
		get("customers: customers", customers)
		get("customers: search", customers+"&q=etablissement+001")
		if p.admin {
			// One lock state per customer row: the first row's.
			from := len(cells) - 1
			after(from, "customers: lock state", "GET", func(id string) string { return lockState("relationships", id) })
		}
		// documents.js
		get("documents: requirements", records("requirements", "filter",
			"(supplier = "+est+` || supplier = "") && customer != `+est, "expand", "customer,type", "page", "1"))
		// The current documents of the requirements' types: the built-in ones.
		get("documents: current of required types", records("documents", "filter", "supplier = "+est+` && status != "superseded" && (`+
			fx.requiredTypes+`)`, "sort", "-created", "perPage", "200"))
		own := records("documents", "filter", "supplier = "+est+` && status != "superseded"`, "sort", "-created", "expand", "type,addressee", "page", "1")
		get("documents: documents", own)
		docs := len(cells) - 1
		get("documents: customers", records("relationships", "filter", "supplier = "+est+` && status = "active"`, "expand", "customer"))
		// Earlier versions of the first document, when unfolded.
		after(docs, "documents: versions", "GET", func(id string) string {
			return records("documents", "filter", "supplier = "+est+` && status = "superseded" && type = `+pbString(fx.firstType)+` && addressee = ""`,
				"sort", "-created", "perPage", "200")
		})
		// A file link per document, one token per page.
		after(docs, "documents: file token", "POST", func(string) string { return "/api/files/token" })
		// gdpr.js: the select lists the caller's admin memberships.
		get("gdpr: admin memberships", records("memberships", "filter", "user = "+me+` && profile = "admin"`, "expand", "establishment"))
		if p.admin {
			get("gdpr: establishment", "/api/collections/establishments/records/"+p.est)
			get("gdpr: access overview", "/api/vigie/establishments/"+p.est+"/access-overview")
			get("gdpr: audit log", records("audit_log", "filter", "establishment = "+est, "sort", "-created", "perPage", "50"))
		}
		// suppliers.js
		suppliers := "/api/vigie/establishments/" + url.PathEscape(p.est) + "/suppliers?page=1&perPage=50"
		get("suppliers: suppliers", suppliers)
		// The search and the sort (U1), as typed in the box.
		get("suppliers: search", suppliers+"&q=etablissement+001")
		get("suppliers: by name", suppliers+"&sort=name")
		if fx.directory != "" {
			get("suppliers: directory search", "/api/vigie/directory?q="+formEscape(fx.directory))
		}
		if p.customer {
			// supplier.js: a customer's page of one supplier (U2).
			sup := pbString(fx.supplier)
			get("supplier: relationship", records("relationships", "filter", "customer = "+est+" && supplier = "+sup,
				"expand", "supplier,referents", "perPage", "1"))
			rel := len(cells) - 1
			get("supplier: compliance", "/api/vigie/establishments/"+url.PathEscape(p.est)+"/compliance?supplier="+url.QueryEscape(fx.supplier))
			get("a supplier's documents", records("documents", "filter", "supplier = "+sup+` && status != "superseded"`,
				"sort", "-created", "expand", "type,addressee", "page", "1"))
			docs := len(cells) - 1
			// Each current document the compliance answer names, viewed.
			after(docs, "supplier: current document", "GET", func(id string) string {
				return "/api/collections/documents/records/" + url.PathEscape(id)
			})
			after(docs, "supplier: versions", "GET", func(string) string {
				return records("documents", "filter", "supplier = "+sup+` && status = "superseded" && type = `+pbString(fx.firstType)+` && addressee = ""`,
					"sort", "-created", "perPage", "200")
			})
			after(rel, "supplier: contracts", "GET", func(id string) string {
				return records("contracts", "filter", "relationship = "+pbString(id), "sort", "-startsOn", "perPage", "200")
			})
			get("supplier: reminders", "/api/vigie/establishments/"+url.PathEscape(p.est)+"/suppliers/"+url.PathEscape(fx.supplier)+"/reminders?page=1&perPage=20")
		}
	}
	return cells
}

// records is api.js records(): perPage=50&skipTotal=1, then the page's
// parameters, in order (a perPage given replaces the default in place),
// encoded as URLSearchParams does.
func records(collection string, kv ...string) string {
	keys, values := []string{"perPage", "skipTotal"}, map[string]string{"perPage": "50", "skipTotal": "1"}
	for i := 0; i+1 < len(kv); i += 2 {
		if _, ok := values[kv[i]]; !ok {
			keys = append(keys, kv[i])
		}
		values[kv[i]] = kv[i+1]
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = formEscape(k) + "=" + formEscape(values[k])
	}
	return "/api/collections/" + collection + "/records?" + strings.Join(parts, "&")
}

// lockState is locks.js lockDetail(): one record's lock, with its holder.
func lockState(collection, id string) string {
	return "/api/vigie/locks/" + url.PathEscape(collection) + "/" + url.PathEscape(id)
}

// pbString is api.js pbString(): a quoted filter value.
func pbString(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// formEscape encodes as URLSearchParams does (application/x-www-form-urlencoded):
// letters, digits and *-._ as they are, a space as +, the rest as %XX.
func formEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("*-._", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
