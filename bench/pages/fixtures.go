package main

import (
	"log"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/bench/internal/accounts"
	"vigie/hooks"
	"vigie/internal/config"
	"vigie/internal/stmtcache"
	_ "vigie/pb_migrations"
)

// profile is one signed-in (or guest) visitor of the pages.
type profile struct {
	name  string
	email string // empty: the guest
	est   string // the establishment its pages show
	admin bool   // an admin of est: the pages show it more
	// customer: est is the measured customer, who also reads a supplier's
	// documents.
	customer  bool
	token, id string
}

// fixtures is what the calls are about, found in the data set.
type fixtures struct {
	customer string // establishment 0
	supplier string // the customer's supplier with the most customers
	// directory is a word of the directory to search, empty when the
	// directory is not loaded.
	directory string
	// requiredTypes is the filter the documents page builds from a page of
	// requirements (type = "a" || ...); firstType the type of the versions
	// it unfolds.
	requiredTypes, firstType string
	profiles                 []profile
}

// prepare adds the missing accounts to the copy in work, through Vigie's
// hooks, and finds every profile's account and establishment.
func prepare(work string) fixtures {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: work, DBConnect: stmtcache.Connect})
	must(app.Bootstrap())
	defer app.ResetBootstrapState()
	must(app.RunAllMigrations())
	cfg := config.Default()
	hooks.Register(app, &cfg)

	var fx fixtures
	must(app.DB().NewQuery(`SELECT m.establishment FROM memberships m JOIN users u ON u.id = m.user
		WHERE u.email = {:e} AND m.profile = 'admin' LIMIT 1`).Bind(dbx.Params{"e": accounts.Admin}).Row(&fx.customer))
	must(accounts.Ensure(app, fx.customer))
	must(app.DB().NewQuery(`SELECT supplier FROM relationships WHERE status = 'active' AND supplier IN
		(SELECT supplier FROM relationships WHERE customer = {:c} AND status = 'active')
		GROUP BY supplier ORDER BY count(*) DESC, supplier LIMIT 1`).Bind(dbx.Params{"c": fx.customer}).Row(&fx.supplier))
	var name string
	var required []string
	must(app.DB().NewQuery("SELECT DISTINCT type FROM requirements ORDER BY type LIMIT 8").Column(&required))
	for i, ty := range required {
		if i > 0 {
			fx.requiredTypes += " || "
		}
		fx.requiredTypes += "type = " + pbString(ty)
	}
	if len(required) > 0 {
		fx.firstType = required[0]
	} else {
		fx.requiredTypes = `type = ""`
	}
	if app.DB().NewQuery("SELECT name FROM directory ORDER BY rowid LIMIT 1").Row(&name) == nil {
		for _, w := range strings.Fields(name) {
			if len([]rune(w)) >= 3 {
				fx.directory = w
				break
			}
		}
	}

	member := func(profileName string) string {
		var email string
		_ = app.DB().NewQuery(`SELECT u.email FROM memberships m JOIN users u ON u.id = m.user
			WHERE m.establishment = {:e} AND m.profile = {:p} AND m.visibility = 'all' ORDER BY m.id LIMIT 1`).
			Bind(dbx.Params{"e": fx.customer, "p": profileName}).Row(&email)
		return email
	}
	var supplierAdmin, collector, collectorEst string
	_ = app.DB().NewQuery(`SELECT u.email FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.establishment = {:e} AND m.profile = 'admin' ORDER BY m.id LIMIT 1`).
		Bind(dbx.Params{"e": fx.supplier}).Row(&supplierAdmin)
	row := struct {
		Email string `db:"email"`
		Est   string `db:"establishment"`
	}{}
	_ = app.DB().NewQuery(`SELECT u.email, m.establishment FROM memberships m JOIN users u ON u.id = m.user
		WHERE m.profile = 'collector' AND m.collectorFor = {:c} ORDER BY m.establishment = {:s} DESC, m.id LIMIT 1`).
		Bind(dbx.Params{"c": fx.customer, "s": fx.supplier}).One(&row)
	collector, collectorEst = row.Email, row.Est

	c := fx.customer
	fx.profiles = []profile{
		{name: "customer admin", email: accounts.Admin, est: c, admin: true, customer: true},
		{name: "adviser", email: accounts.Adviser, est: c, customer: true},
		{name: "processing", email: accounts.Processing, est: c, customer: true},
		{name: "feedback", email: member("feedback"), est: c, customer: true},
		{name: "delivery", email: member("delivery"), est: c, customer: true},
		{name: "collector", email: collector, est: collectorEst},
		{name: "supplier admin", email: supplierAdmin, est: fx.supplier, admin: true},
		// Support staff have no membership, so the pages' establishment
		// select is empty: the calls are those the pages make for the
		// establishment that let them in.
		{name: "support", email: accounts.Support, est: c, customer: true},
	}
	kept := fx.profiles[:0]
	for _, p := range fx.profiles {
		if p.email == "" {
			log.Printf("no %s account in this data set: skipped", p.name)
			continue
		}
		kept = append(kept, p)
	}
	fx.profiles = append(kept, profile{name: "guest", est: c})
	log.Printf("customer %s, supplier %s, directory word %q", fx.customer, fx.supplier, fx.directory)
	for _, p := range fx.profiles {
		log.Printf("  %-15s %-34s establishment %s", p.name, p.email, p.est)
	}
	return fx
}
