package security

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
)

// bindStreamEnds ends a user's realtime streams whenever its sessions end
// or its reach shrinks (S12): a new token key (sign-out, password change,
// second factor turned on), the account deleted, a membership removed.
// PocketBase keeps such a stream open and authenticated with the record it
// was opened with: after a sign-out it would go on receiving events as the
// user, and after the account's deletion as a guest. A page whose stream
// ends reconnects with the token it holds, which no longer opens anything.
func (s *Service) bindStreamEnds(app core.App) {
	app.OnRecordUpdate(schema.Users).BindFunc(func(e *core.RecordEvent) error {
		// PocketBase renews the key inside the save itself when the
		// password or email changes: compare once it is written.
		before := e.Record.Original().TokenKey()
		if err := e.Next(); err != nil {
			return err
		}
		if e.Record.TokenKey() != before {
			endStreams(e.App, e.Record.Id)
		}
		return nil
	})
	app.OnRecordAfterDeleteSuccess(schema.Users).BindFunc(func(e *core.RecordEvent) error {
		endStreams(e.App, e.Record.Id)
		return e.Next()
	})
	app.OnRecordAfterDeleteSuccess(schema.Memberships).BindFunc(func(e *core.RecordEvent) error {
		endStreams(e.App, e.Record.GetString("user"))
		return e.Next()
	})
}

// endStreams closes every realtime connection opened as user.
func endStreams(app core.App, user string) {
	broker := app.SubscriptionsBroker()
	for id, client := range broker.Clients() {
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth != nil && auth.Id == user && auth.Collection().Name == schema.Users {
			broker.Unregister(id) // closes its channel: PocketBase's handler returns
		}
	}
}
