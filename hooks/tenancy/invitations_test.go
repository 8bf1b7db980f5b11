package tenancy_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"

	"vigie/hooks/audit"
	"vigie/internal/oraclenet"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// S9 (issue 18, item 3): adding a user who already has an account creates
// an invitation, never a membership: until the user accepts, the admin
// reads nothing of it but the address it typed, receives none of its
// sign-ins, and Home's settings do not reach it. The invitee alone reads
// and answers it, once.
func TestInvitationS9(t *testing.T) {
	w := testkit.NewWorld(t)
	client := oraclenet.NewClient(t, w.App)
	token := func(a testkit.Actor) string { return w.Headers(t, a)["Authorization"] }
	victim := w.Users[testkit.Outsider]

	status, body := client.Do(t, http.MethodPost, "/api/vigie/establishments/"+w.Home.Id+"/members", token(testkit.Admin),
		map[string]any{"email": victim.Email(), "profile": "feedback"})
	inv, _ := body["invitation"].(map[string]any)
	if status != http.StatusAccepted || inv["email"] != victim.Email() || inv["status"] != "pending" {
		t.Fatalf("invite: %d %v", status, body)
	}
	for _, leak := range []string{victim.Id, "phone", "lastLoginAt", "totpEnabled"} {
		if strings.Contains(toJSON(t, body), leak) {
			t.Fatalf("the answer holds %q: %v", leak, body)
		}
	}
	if n, _ := w.App.CountRecords(schema.Memberships, dbx.HashExp{"user": victim.Id, "establishment": w.Home.Id}); n != 0 {
		t.Fatal("a membership was created before the user accepted")
	}
	if status, _ := client.Do(t, http.MethodGet, "/api/collections/users/records/"+victim.Id, token(testkit.Admin), nil); status != http.StatusNotFound {
		t.Fatalf("the admin reads the invitee's record: %d", status)
	}
	// Its sign-ins stay out of Home's audit log.
	signIn := map[string]any{"identity": victim.Email(), "password": testkit.Password}
	if status, _ := client.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", signIn); status != http.StatusOK {
		t.Fatalf("sign-in: %d", status)
	}
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"establishment": w.Home.Id, "actor": victim.Id}); n != 0 {
		t.Fatalf("Home's audit log holds %d rows of the invitee", n)
	}
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"establishment": w.Home.Id, "action": audit.InvitationCreated}); n != 1 {
		t.Fatalf("invitation audited %d times, want 1", n)
	}

	// Who reads the invitation: the invitee only.
	id := inv["id"].(string)
	for _, a := range []testkit.Actor{testkit.Admin, testkit.Feedback, testkit.Sister, testkit.Support} {
		if status, body := client.Do(t, http.MethodGet, "/api/collections/invitations/records", token(a), nil); status != http.StatusOK || len(body["items"].([]any)) != 0 {
			t.Errorf("%s lists invitations: %d %v", a, status, body)
		}
		if status, _ := client.Do(t, http.MethodGet, "/api/collections/invitations/records/"+id, token(a), nil); status != http.StatusNotFound {
			t.Errorf("%s views the invitation: %d", a, status)
		}
		if status, _ := client.Do(t, http.MethodPost, "/api/vigie/invitations/"+id+"/accept", token(a), nil); status != http.StatusNotFound {
			t.Errorf("%s accepts it: %d", a, status)
		}
	}
	if status, _ := client.Do(t, http.MethodPost, "/api/vigie/invitations/"+id+"/accept", "", nil); status != http.StatusUnauthorized {
		t.Errorf("a guest accepts it: %d", status)
	}
	status, body = client.Do(t, http.MethodGet, "/api/collections/invitations/records", token(testkit.Outsider), nil)
	if items, _ := body["items"].([]any); status != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["establishmentName"] != "Home SA" {
		t.Fatalf("the invitee lists %d %v", status, body)
	}
	// Nor can anyone write invitations through the collection.
	if status, _ := client.Do(t, http.MethodPost, "/api/collections/invitations/records", token(testkit.Admin),
		map[string]any{"establishment": w.Home.Id, "user": victim.Id, "profile": "admin", "status": "accepted"}); status != http.StatusForbidden {
		t.Errorf("creating an invitation through the collection: %d", status)
	}

	// Eight accepts at once: one membership, the others 409.
	statuses := make([]int, 8)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i], _ = client.Do(t, http.MethodPost, "/api/vigie/invitations/"+id+"/accept", token(testkit.Outsider), nil)
		})
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			conflicts++
		}
	}
	if ok != 1 || conflicts != 7 {
		t.Fatalf("parallel accepts: %v", statuses)
	}
	ms, err := w.App.FindFirstRecordByFilter(schema.Memberships, "user = {:u} && establishment = {:e}", dbx.Params{"u": victim.Id, "e": w.Home.Id})
	if err != nil || ms.GetString("profile") != "feedback" {
		t.Fatalf("membership after accepting: %v %v", ms, err)
	}
	if status, _ := client.Do(t, http.MethodGet, "/api/collections/users/records/"+victim.Id, token(testkit.Admin), nil); status != http.StatusOK {
		t.Fatalf("the admin does not read its new member: %d", status)
	}

	// Declining: no membership.
	status, body = client.Do(t, http.MethodPost, "/api/vigie/establishments/"+w.Home.Id+"/members", token(testkit.Admin),
		map[string]any{"email": w.Users[testkit.Sister].Email(), "profile": "delivery"})
	if status != http.StatusAccepted {
		t.Fatalf("invite the sister's member: %d %v", status, body)
	}
	declined := body["invitation"].(map[string]any)["id"].(string)
	if status, _ := client.Do(t, http.MethodPost, "/api/vigie/invitations/"+declined+"/decline", token(testkit.Sister), nil); status != http.StatusOK {
		t.Fatalf("decline: %d", status)
	}
	if status, _ := client.Do(t, http.MethodPost, "/api/vigie/invitations/"+declined+"/accept", token(testkit.Sister), nil); status != http.StatusConflict {
		t.Fatalf("accept after declining: %d", status)
	}
	if n, _ := w.App.CountRecords(schema.Memberships, dbx.HashExp{"user": w.Users[testkit.Sister].Id, "establishment": w.Home.Id}); n != 0 {
		t.Fatal("a declined invitation made a membership")
	}

	// The operator invites too (it is no user: the invitation names no inviter).
	if status, body := client.Do(t, http.MethodPost, "/api/vigie/establishments/"+w.Home.Id+"/members", token(testkit.Operator),
		map[string]any{"email": w.Users[testkit.Support].Email(), "profile": "delivery"}); status != http.StatusAccepted {
		t.Fatalf("the operator's invitation: %d %v", status, body)
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
