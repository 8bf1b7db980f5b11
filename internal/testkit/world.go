package testkit

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/profiles"
)

// Actor is one row of every access table: who is asking.
type Actor string

// The actors of every access table (issue 2): a guest, one member of Home per
// profile, a member of Home's sister establishment (same SIREN, other SIRET),
// a member of an unrelated establishment, support staff, and the operator.
const (
	Guest             Actor = "guest"
	Admin             Actor = "admin"
	FullAccess        Actor = "full_access"
	Processing        Actor = "processing"
	ProcessingArchive Actor = "processing_archive"
	Feedback          Actor = "feedback"
	Delivery          Actor = "delivery"
	Collector         Actor = "collector"
	Sister            Actor = "sister_member"
	Outsider          Actor = "outsider"
	Support           Actor = "support"
	Operator          Actor = "superuser"
)

// Actors lists every actor, in table order.
var Actors = []Actor{Guest, Admin, FullAccess, Processing, ProcessingArchive, Feedback, Delivery,
	Collector, Sister, Outsider, Support, Operator}

// Members lists the actors that are members of Home.
var Members = []Actor{Admin, FullAccess, Processing, ProcessingArchive, Feedback, Delivery, Collector}

// World is a small tenancy: Home (every module on) with one member of each
// profile, its sister establishment, an unrelated one, and the customer the
// collector works for.
type World struct {
	App         *tests.TestApp
	Home        *core.Record
	Sister      *core.Record
	Unrelated   *core.Record
	Customer    *core.Record
	Users       map[Actor]*core.Record
	Memberships map[Actor]*core.Record
	operator    *core.Record
}

// NewWorld builds a World in a fresh app.
func NewWorld(t testing.TB) *World {
	t.Helper()
	return BuildWorld(t, NewApp(t))
}

// BuildWorld builds a World in app.
func BuildWorld(t testing.TB, app *tests.TestApp) *World {
	t.Helper()
	home := SIRET()
	w := &World{
		App:         app,
		Home:        Establishment(t, app, "Home SA", home, profiles.Archive, profiles.Reports, profiles.Financial),
		Sister:      Establishment(t, app, "Home SA — Lille", SisterSIRET(home, 2), profiles.Archive, profiles.Reports, profiles.Financial),
		Unrelated:   Establishment(t, app, "Unrelated SARL", SIRET(), profiles.Archive, profiles.Reports, profiles.Financial),
		Customer:    Establishment(t, app, "Customer SAS", SIRET()),
		Users:       map[Actor]*core.Record{},
		Memberships: map[Actor]*core.Record{},
	}
	for _, a := range Members { // Admin first: the first member becomes admin (T5)
		w.Users[a] = User(t, app, string(a)+"@home.test")
		var opts []func(*core.Record)
		switch a {
		case FullAccess, Feedback:
			opts = append(opts, Financial)
		case Collector:
			opts = append(opts, CollectorFor(w.Customer))
		}
		w.Memberships[a] = Member(t, app, w.Users[a], w.Home, profiles.Profile(a), opts...)
	}
	w.Users[Sister] = User(t, app, "member@sister.test")
	w.Memberships[Sister] = Member(t, app, w.Users[Sister], w.Sister, profiles.Admin)
	w.Users[Outsider] = User(t, app, "member@unrelated.test")
	w.Memberships[Outsider] = Member(t, app, w.Users[Outsider], w.Unrelated, profiles.Admin)
	w.Users[Support] = User(t, app, "support@vigie.test")
	w.Users[Support].Set("support", true)
	if err := app.Save(w.Users[Support]); err != nil {
		t.Fatal(err)
	}
	w.operator = Superuser(t, app)
	return w
}

// Headers returns the request headers that authenticate actor.
func (w *World) Headers(t testing.TB, actor Actor) map[string]string {
	t.Helper()
	switch actor {
	case Guest:
		return nil
	case Operator:
		return map[string]string{"Authorization": Token(t, w.operator)}
	}
	u, ok := w.Users[actor]
	if !ok {
		t.Fatalf("testkit: unknown actor %q", actor)
	}
	return map[string]string{"Authorization": Token(t, u)}
}

// Factory returns w.App for scenarios that share it; pair it with
// DisableTestAppCleanup, the world's test cleans it up.
func (w *World) Factory(testing.TB) *tests.TestApp { return w.App }

// As completes a scenario for actor against the world's shared app: its
// headers, the shared app, and a name that says who asks.
func (w *World) As(t testing.TB, actor Actor, s tests.ApiScenario) *tests.ApiScenario {
	t.Helper()
	s.Name = string(actor) + ": " + s.Name
	headers := map[string]string{}
	for k, v := range w.Headers(t, actor) {
		headers[k] = v
	}
	for k, v := range s.Headers {
		headers[k] = v
	}
	s.Headers = headers
	s.TestAppFactory = w.Factory
	s.DisableTestAppCleanup = true
	return &s
}

// Body404 is what a rule's denial of a single record answers.
var Body404 = []string{`"status":404`}

// EmptyList is a list that a rule filtered to nothing.
var EmptyList = []string{`"items":[]`}

// Operator is the world's superuser record.
func (w *World) Operator() *core.Record { return w.operator }
