package reminders

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/documents"
	"vigie/hooks/locks"
	"vigie/hooks/tenancy"
	"vigie/internal/schema"
)

// shareLinkRetention keeps an expired share link (and so its sender's view
// of its history) this long; the audit log keeps the history for good.
const shareLinkRetention = 30 * 24 * time.Hour

// Housekeeping is R4's clean-up, and D5's status sweep: expired locks,
// support grants past their date, share links expired long ago, sign-in
// challenges past theirs, documents crossing a status boundary.
type Housekeeping struct {
	Locks, SupportGrants, ShareLinks, Challenges, Statuses int64
}

// Housekeep runs every clean-up as of now (orphan files have their own,
// daily job: DeleteOrphanFiles lists the whole storage).
func (en *Engine) Housekeep(now time.Time) (*Housekeeping, error) {
	h := &Housekeeping{}
	var err error
	if h.Locks, err = locks.DeleteExpired(en.App, now); err != nil {
		return nil, err
	}
	if h.SupportGrants, err = tenancy.DeleteExpiredSupportGrants(en.App, "", now); err != nil {
		return nil, err
	}
	stamp := func(t time.Time) string { d, _ := types.ParseDateTime(t.UTC()); return d.String() }
	res, err := en.App.DB().Delete(schema.ShareLinks,
		dbx.NewExp("expiresAt < {:t}", dbx.Params{"t": stamp(now.Add(-shareLinkRetention))})).Execute()
	if err != nil {
		return nil, err
	}
	h.ShareLinks, _ = res.RowsAffected()
	res, err = en.App.DB().Delete(schema.TOTPChallenges, dbx.NewExp("expiresAt < {:t}", dbx.Params{"t": stamp(now)})).Execute()
	if err != nil {
		return nil, err
	}
	h.Challenges, _ = res.RowsAffected()
	docs := &documents.Service{App: en.App, Cfg: en.Cfg, Now: func() time.Time { return now }}
	n, err := docs.Sweep(en.App)
	h.Statuses = int64(n)
	return h, err
}
