package hooks_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/internal/oraclenet"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
	"vigie/internal/totp"
)

// The changes TestAccessRowsMatchTheSpec makes between comparisons: the
// network's own (oraclenet), and those of the other collections, through
// the product's routes where people use them (the operator's calls stand
// for the dashboard's, which run the same request hooks).

// changes lists every kind of change; each names what it did.
func (o *oracle) changes() []oraclenet.Mutation {
	return append(o.Mutations(),
		o.profileThroughAPI, o.visibility, o.referents, o.requireTOTP, o.enrolOrDisableTOTP,
		o.supportAccess, o.supportExpires, o.supportFlag, o.addMembership, o.removeMembershipThroughAPI,
		o.addType, o.requestAccess, o.decideRequest, o.shareLink, o.signIn, o.takeLock)
}

// complete completes a built network: reference contacts, support staff (one
// also a member), support access, required 2FA with an enrolled member,
// and first share links, access request, lock and sign-in.
func (o *oracle) complete(t *testing.T, rng *rand.Rand) {
	for _, rel := range o.Rels {
		rel.Set("referents", o.someMembers(rng, rel.GetString("supplier")))
		testkit.Save(t, o.App, rel)
	}
	staff := testkit.User(t, o.App, fmt.Sprintf("staff%d@vigie.test", rng.Int()))
	for _, u := range []*core.Record{staff, o.Users[0]} {
		u.Set("support", true)
		testkit.Save(t, o.App, u)
	}
	open := oraclenet.Pick(rng, o.Ests)
	open.Set("supportAccess", true)
	testkit.Save(t, o.App, open)
	locked := oraclenet.Pick(rng, o.Ests)
	locked.Set("requireTotp", true)
	testkit.Save(t, o.App, locked)
	if ms := o.MembersOf(locked.Id); len(ms) > 0 {
		o.enrol(t, o.user(t, oraclenet.Pick(rng, ms).GetString("user")))
	}
	for _, change := range []oraclenet.Mutation{o.shareLink, o.shareLink, o.requestAccess, o.takeLock, o.signIn} {
		change(t, rng)
	}
}

// someMembers picks up to two members of est (reference contacts, N8).
func (o *oracle) someMembers(rng *rand.Rand, est string) []string {
	var out []string
	for _, m := range o.MembersOf(est) {
		if rng.IntN(2) == 0 && len(out) < 2 {
			out = append(out, m.GetString("user"))
		}
	}
	return out
}

// refresh reloads the network's establishments and relationships, which
// routes changed behind the records it holds.
func (o *oracle) refresh(t *testing.T) {
	for _, rs := range []struct {
		collection string
		records    []*core.Record
	}{{schema.Establishments, o.Ests}, {schema.Relationships, o.Rels}} {
		for i, r := range rs.records {
			fresh, err := o.App.FindRecordById(rs.collection, r.Id)
			if err != nil {
				t.Fatal(err)
			}
			rs.records[i] = fresh
		}
	}
}

func (o *oracle) user(t *testing.T, id string) *core.Record {
	u, err := o.App.FindRecordById(schema.Users, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// any picks a stored record of collection, or nil.
func (o *oracle) any(t *testing.T, rng *rand.Rand, collection string, where dbx.Expression) *core.Record {
	rs, err := o.App.FindAllRecords(collection, where)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 {
		return nil
	}
	slices.SortFunc(rs, func(a, b *core.Record) int { return compareIDs(a.Id, b.Id) })
	return oraclenet.Pick(rng, rs)
}

func compareIDs(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (o *oracle) profileThroughAPI(t *testing.T, rng *rand.Rand) string {
	m := o.any(t, rng, schema.Memberships, nil)
	p := oraclenet.Pick(rng, profiles.All)
	body := map[string]any{"profile": p, "visibility": oraclenet.Pick(rng, []string{schema.VisibilityAll, schema.VisibilityAssigned}),
		"financial": rng.IntN(2) == 0}
	if p == profiles.Collector {
		body["collectorFor"] = oraclenet.Pick(rng, o.Ests).Id
	}
	status, _ := o.client.Do(t, http.MethodPatch, "/api/collections/memberships/records/"+m.Id, o.operator, body)
	return fmt.Sprintf("membership %s set to %v through the API (%d)", m.Id, body, status)
}

func (o *oracle) visibility(t *testing.T, rng *rand.Rand) string {
	m := o.any(t, rng, schema.Memberships, nil)
	v := schema.VisibilityAssigned
	if m.GetString("visibility") == v {
		v = schema.VisibilityAll
	}
	m.Set("visibility", v)
	testkit.Save(t, o.App, m)
	return "membership " + m.Id + " visibility " + v
}

func (o *oracle) referents(t *testing.T, rng *rand.Rand) string {
	rel := oraclenet.Pick(rng, o.Rels)
	refs := o.someMembers(rng, rel.GetString("supplier"))
	status, _ := o.client.Do(t, http.MethodPatch, "/api/collections/relationships/records/"+rel.Id, o.operator,
		map[string]any{"referents": refs})
	return fmt.Sprintf("relationship %s reference contacts %v through the API (%d)", rel.Id, refs, status)
}

func (o *oracle) requireTOTP(t *testing.T, rng *rand.Rand) string {
	est := oraclenet.Pick(rng, o.Ests)
	est.Set("requireTotp", !est.GetBool("requireTotp"))
	testkit.Save(t, o.App, est)
	return fmt.Sprintf("establishment %s requireTotp %v", est.Id, est.GetBool("requireTotp"))
}

// enrolOrDisableTOTP turns a user's second factor on through its routes
// (setup, confirm) or off (disable, with a recovery code), preferring the
// members of establishments that require it.
func (o *oracle) enrolOrDisableTOTP(t *testing.T, rng *rand.Rand) string {
	u := o.any(t, rng, schema.Users, nil)
	if est := o.any(t, rng, schema.Establishments, dbx.HashExp{"requireTotp": true}); est != nil && rng.IntN(3) > 0 {
		if m := o.any(t, rng, schema.Memberships, dbx.HashExp{"establishment": est.Id}); m != nil {
			u = o.user(t, m.GetString("user"))
		}
	}
	if !u.GetBool("totpEnabled") {
		return o.enrol(t, u)
	}
	status, _ := o.client.Do(t, http.MethodPost, "/api/vigie/totp/disable", testkit.Token(t, u),
		map[string]string{"recoveryCode": o.recovery[u.Id]})
	return fmt.Sprintf("user %s disabled TOTP (%d)", u.Id, status)
}

func (o *oracle) enrol(t *testing.T, u *core.Record) string {
	token := testkit.Token(t, u)
	status, setup := o.client.Do(t, http.MethodPost, "/api/vigie/totp/setup", token, nil)
	if status != http.StatusOK {
		return fmt.Sprintf("user %s TOTP setup refused (%d)", u.Id, status)
	}
	code, err := totp.Code(fmt.Sprint(setup["secret"]), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	status, confirmed := o.client.Do(t, http.MethodPost, "/api/vigie/totp/confirm", token, map[string]string{"code": code})
	if codes, ok := confirmed["recoveryCodes"].([]any); ok && len(codes) > 0 {
		o.recovery[u.Id] = fmt.Sprint(codes[0])
	}
	return fmt.Sprintf("user %s enrolled in TOTP (%d)", u.Id, status)
}

func (o *oracle) supportAccess(t *testing.T, rng *rand.Rand) string {
	est := oraclenet.Pick(rng, o.Ests)
	body := map[string]any{"enabled": rng.IntN(3) > 0}
	if body["enabled"] == true && rng.IntN(2) == 0 {
		body["until"] = types.NowDateTime().Add(24 * time.Hour).String()
	}
	status, _ := o.client.Do(t, http.MethodPut, "/api/vigie/establishments/"+est.Id+"/support-access", o.operator, body)
	return fmt.Sprintf("establishment %s support access %v (%d)", est.Id, body, status)
}

// supportExpires lets support in until a moment that then passes: the
// grants outlive their date in the table, never in what support reads (S5).
func (o *oracle) supportExpires(t *testing.T, rng *rand.Rand) string {
	est := oraclenet.Pick(rng, o.Ests)
	until := time.Now().Add(time.Second)
	status, _ := o.client.Do(t, http.MethodPut, "/api/vigie/establishments/"+est.Id+"/support-access", o.operator,
		map[string]any{"enabled": true, "until": types.NowDateTime().Add(time.Second).String()})
	time.Sleep(time.Until(until) + 50*time.Millisecond)
	return fmt.Sprintf("establishment %s support access until a second ago (%d)", est.Id, status)
}

func (o *oracle) supportFlag(t *testing.T, rng *rand.Rand) string {
	u := o.any(t, rng, schema.Users, nil)
	u.Set("support", !u.GetBool("support"))
	testkit.Save(t, o.App, u)
	return fmt.Sprintf("user %s support %v", u.Id, u.GetBool("support"))
}

func (o *oracle) addMembership(t *testing.T, rng *rand.Rand) string {
	for range 10 {
		u, est := o.any(t, rng, schema.Users, nil), oraclenet.Pick(rng, o.Ests)
		if !o.MemberOf(u, est) {
			m := o.AddMember(t, rng, u, est)
			return fmt.Sprintf("membership %s added: %s in %s as %s", m.Id, u.Id, est.Id, m.GetString("profile"))
		}
	}
	return "no membership added"
}

func (o *oracle) removeMembershipThroughAPI(t *testing.T, rng *rand.Rand) string {
	m := o.any(t, rng, schema.Memberships, nil)
	status, _ := o.client.Do(t, http.MethodDelete, "/api/collections/memberships/records/"+m.Id, o.operator, nil)
	return fmt.Sprintf("membership %s removed through the API (%d)", m.Id, status)
}

func (o *oracle) addType(t *testing.T, rng *rand.Rand) string {
	owner := oraclenet.Pick(rng, o.Ests)
	r := o.AddType(t, fmt.Sprint("own", len(o.Types)), owner)
	return "document type " + r.Id + " of " + owner.Id + " added"
}

// requestAccess: a member asks for a new user (T6); the admins are notified.
func (o *oracle) requestAccess(t *testing.T, rng *rand.Rand) string {
	m := o.any(t, rng, schema.Memberships, nil)
	requester := o.user(t, m.GetString("user"))
	body := map[string]any{"establishment": m.GetString("establishment"), "requestedBy": requester.Id,
		"email": fmt.Sprintf("asked%d@net.test", rng.Int()), "firstName": "Asked", "lastName": "For",
		"profile": oraclenet.Pick(rng, profiles.All[:6])}
	status, _ := o.client.Do(t, http.MethodPost, "/api/collections/access_requests/records", testkit.Token(t, requester), body)
	return fmt.Sprintf("access request to %s by %s (%d)", m.GetString("establishment"), requester.Id, status)
}

// decideRequest approves (a new member, a new user) or refuses a pending
// request; the requester is notified.
func (o *oracle) decideRequest(t *testing.T, rng *rand.Rand) string {
	req := o.any(t, rng, schema.AccessRequests, dbx.HashExp{"status": schema.RequestPending})
	if req == nil {
		o.requestAccess(t, rng)
		if req = o.any(t, rng, schema.AccessRequests, dbx.HashExp{"status": schema.RequestPending}); req == nil {
			return "no access request to decide"
		}
	}
	decision := oraclenet.Pick(rng, []string{schema.RequestApproved, schema.RequestRefused})
	status, _ := o.client.Do(t, http.MethodPatch, "/api/collections/access_requests/records/"+req.Id, o.operator,
		map[string]any{"status": decision})
	return fmt.Sprintf("access request %s %s (%d)", req.Id, decision, status)
}

// tryRoute calls a route as random users until one may: the first answer
// 200, or the last refusal. Users for whom first is true are tried first.
func (o *oracle) tryRoute(t *testing.T, rng *rand.Rand, method string, first func(u *core.Record) bool,
	call func() (string, any)) string {
	users, err := o.App.FindAllRecords(schema.Users)
	if err != nil {
		t.Fatal(err)
	}
	rng.Shuffle(len(users), func(i, j int) { users[i], users[j] = users[j], users[i] })
	slices.SortStableFunc(users, func(a, b *core.Record) int { return compareBools(first(b), first(a)) })
	last := "nobody"
	for i := range 40 {
		u := users[i%len(users)]
		path, body := call()
		status, _ := o.client.Do(t, method, path, testkit.Token(t, u), body)
		last = fmt.Sprintf("%s %s by %s (%d)", method, path, u.Id, status)
		if status == http.StatusOK {
			break
		}
	}
	return last
}

func compareBools(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// shareLink shares a document, by members who are not admins first: what
// the admins of the establishment it goes from must see (S15).
func (o *oracle) shareLink(t *testing.T, rng *rand.Rand) string {
	notAdmin := func(u *core.Record) bool {
		n, _ := o.App.CountRecords(schema.Memberships, dbx.HashExp{"user": u.Id, "profile": string(profiles.Admin)})
		return n == 0
	}
	return "share link: " + o.tryRoute(t, rng, http.MethodPost, notAdmin, func() (string, any) {
		d := o.any(t, rng, schema.Documents, nil)
		return "/api/vigie/documents/" + d.Id + "/share", map[string]string{"email": "recipient@elsewhere.test"}
	})
}

func (o *oracle) takeLock(t *testing.T, rng *rand.Rand) string {
	anyone := func(*core.Record) bool { return true }
	return "lock: " + o.tryRoute(t, rng, http.MethodPost, anyone, func() (string, any) {
		c := oraclenet.Pick(rng, []string{schema.Establishments, schema.Relationships, schema.Documents})
		return "/api/vigie/locks", map[string]string{"collection": c, "recordId": o.any(t, rng, c, nil).Id}
	})
}

// signIn signs a user in with its password: audited once per establishment
// of the user (S6); a user with TOTP gets its challenge, an invited one a
// failure, audited too.
func (o *oracle) signIn(t *testing.T, rng *rand.Rand) string {
	u := o.any(t, rng, schema.Users, nil)
	status, _ := o.client.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "",
		map[string]string{"identity": u.Email(), "password": testkit.Password})
	return fmt.Sprintf("user %s signed in (%d)", u.Id, status)
}
