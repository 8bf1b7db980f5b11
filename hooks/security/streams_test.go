package security_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/handler"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// stream is one realtime connection, read event by event.
type stream struct {
	events chan string // event names, closed when the server ends the stream
	id     string
}

func openStream(t *testing.T, srv *httptest.Server, token string, topics ...string) *stream {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/realtime", nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	s := &stream{events: make(chan string, 16)}
	ids := make(chan string, 1)
	go func() {
		defer close(s.events)
		scanner := bufio.NewScanner(res.Body)
		name := ""
		for scanner.Scan() {
			line := scanner.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:") && name == "PB_CONNECT":
				var connect struct{ ClientID string }
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &connect)
				ids <- connect.ClientID
			case line == "" && name != "":
				s.events <- name
				name = ""
			}
		}
	}()
	select {
	case s.id = <-ids:
	case <-time.After(5 * time.Second):
		t.Fatal("no PB_CONNECT")
	}
	<-s.events // PB_CONNECT itself
	body, _ := json.Marshal(map[string]any{"clientId": s.id, "subscriptions": topics})
	sub, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/realtime", strings.NewReader(string(body)))
	sub.Header.Set("Content-Type", "application/json")
	sub.Header.Set("Authorization", token)
	subRes, err := srv.Client().Do(sub)
	if err != nil {
		t.Fatal(err)
	}
	subRes.Body.Close()
	if subRes.StatusCode != http.StatusNoContent {
		t.Fatalf("subscribe: %d", subRes.StatusCode)
	}
	return s
}

// next is the stream's next event name, "closed" when the server ended it,
// or "" when nothing came in time.
func (s *stream) next(wait time.Duration) string {
	select {
	case name, ok := <-s.events:
		if !ok {
			return "closed"
		}
		return name
	case <-time.After(wait):
		return ""
	}
}

// S12 (issue 18, item 5): signing out, a password change, the account's
// deletion and a removed membership each end the user's realtime streams;
// another user's stream goes on.
func TestRealtimeEndsWithTheSessionS12(t *testing.T) {
	for _, c := range []struct {
		name string
		end  func(t *testing.T, w *testkit.World, srv *httptest.Server, user *core.Record, token string)
	}{
		{"sign-out", func(t *testing.T, w *testkit.World, srv *httptest.Server, user *core.Record, token string) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/vigie/auth/logout", nil)
			req.Header.Set("Authorization", token)
			res, err := srv.Client().Do(req)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("logout: %v %v", res, err)
			}
			res.Body.Close()
		}},
		{"password change", func(t *testing.T, w *testkit.World, srv *httptest.Server, user *core.Record, token string) {
			fresh, _ := w.App.FindRecordById(schema.Users, user.Id)
			fresh.SetPassword("Another-long-passphrase-2026")
			testkit.Save(t, w.App, fresh)
		}},
		{"membership removed", func(t *testing.T, w *testkit.World, srv *httptest.Server, user *core.Record, token string) {
			if err := w.App.Delete(w.Memberships[testkit.Processing]); err != nil {
				t.Fatal(err)
			}
		}},
		{"account deleted", func(t *testing.T, w *testkit.World, srv *httptest.Server, user *core.Record, token string) {
			if err := w.App.Delete(user); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := testkit.NewWorld(t)
			h, err := handler.New(w.App)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close) // after the streams' own cleanups have closed them
			user, other := w.Users[testkit.Processing], w.Users[testkit.Feedback]
			token := w.Headers(t, testkit.Processing)["Authorization"]
			mine := openStream(t, srv, token, schema.Notifications)
			theirs := openStream(t, srv, w.Headers(t, testkit.Feedback)["Authorization"], schema.Notifications)
			notify := func(u *core.Record) {
				testkit.Record(t, w.App, schema.Notifications, map[string]any{"user": u.Id, "kind": "test", "title": "x"})
			}
			notify(user)
			if got := mine.next(5 * time.Second); got != schema.Notifications {
				t.Fatalf("before: got %q, want a notification", got)
			}
			c.end(t, w, srv, user, token)
			// The change itself may notify (a password change does) while
			// the session is still the one it ends; then the stream must end.
			for got := mine.next(5 * time.Second); got != "closed"; got = mine.next(5 * time.Second) {
				if got != schema.Notifications {
					t.Fatalf("after %s: the stream got %q, want it closed", c.name, got)
				}
			}
			notify(other)
			if got := theirs.next(5 * time.Second); got != schema.Notifications {
				t.Fatalf("another user's stream got %q, want its notification", got)
			}
		})
	}
}
