package tenancy

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"vigie/hooks/audit"
	"vigie/hooks/notify"
	"vigie/internal/config"
	"vigie/internal/schema"
)

// invite asks an existing user to join est (S9): one pending invitation per
// user and establishment, renewed with the latest profile when asked again.
// The audit row keeps the address the inviter typed, nothing of the user.
func invite(tx core.App, cfg *config.Config, est, user *core.Record, in NewMember, actor audit.Entry) (*core.Record, error) {
	inv, err := saveInvitation(tx, est, user, in, actor)
	if err != nil {
		return nil, err
	}
	return inv, notify.User(tx, user, notify.Message{Kind: notify.KindMemberInvited, Vars: map[string]string{
		"firstName": user.GetString("firstName"), "establishment": est.GetString("name"),
		"inviter": actor.ActorEmail, "profile": in.Profile, "link": cfg.Link("/company.html"),
	}, Data: map[string]any{"invitation": inv.Id}})
}

// InviteFirstContact asks a person new to Vigie, whom a customer named as
// the contact of a supplier without members, to join it (S10): the account
// is created so that its owner can choose a password, but it becomes the
// supplier's member (its admin, T5) only by accepting. Until then the
// customer controls nothing of the supplier.
func InviteFirstContact(tx core.App, cfg *config.Config, est *core.Record, in NewMember, actor audit.Entry) (*Added, error) {
	user, err := createInvitedUser(tx, in)
	if err != nil {
		return nil, err
	}
	inv, err := saveInvitation(tx, est, user, in, actor)
	if err != nil {
		return nil, err
	}
	msg, err := firstContactMessage(cfg, est, user, inv, actor.ActorEmail)
	if err != nil {
		return nil, err
	}
	if err := notify.User(tx, user, msg); err != nil {
		return nil, err
	}
	return &Added{User: user, Invited: true, Invitation: inv}, nil
}

// firstContactMessage gives a first contact the link to choose its password
// and says where to answer the invitation.
func firstContactMessage(cfg *config.Config, est, user, inv *core.Record, inviter string) (notify.Message, error) {
	link, err := inviteLink(cfg, user)
	if err != nil {
		return notify.Message{}, err
	}
	return notify.Message{Kind: notify.KindContactInvited, Vars: map[string]string{
		"firstName": user.GetString("firstName"), "establishment": est.GetString("name"), "inviter": inviter,
		"link": link, "validity": cfg.InviteValidity.String(),
	}, Data: map[string]any{"invitation": inv.Id}}, nil
}

// HasNoMember reports whether est has no member yet: its first one becomes
// its admin (T5).
func HasNoMember(app core.App, est string) bool { return countMembers(app, est, "") == 0 }

// saveInvitation writes the pending invitation and its audit row.
func saveInvitation(tx core.App, est, user *core.Record, in NewMember, actor audit.Entry) (*core.Record, error) {
	inv, err := tx.FindFirstRecordByFilter(schema.Invitations, "user = {:u} && establishment = {:e} && status = {:s}",
		dbx.Params{"u": user.Id, "e": est.Id, "s": schema.InvitationPending})
	if err != nil {
		if inv, err = newInvitation(tx, est, user); err != nil {
			return nil, err
		}
	}
	setInvitation(inv, est, in, actor, inviterID(tx, actor))
	if err := tx.Save(inv); err != nil {
		return nil, err
	}
	return inv, audit.Write(tx, invitationEntry(actor, est, inv, in))
}

// newInvitation is an unsaved pending invitation of user to est.
func newInvitation(app core.App, est, user *core.Record) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId(schema.Invitations)
	if err != nil {
		return nil, err
	}
	inv := core.NewRecord(col)
	inv.Set("establishment", est.Id)
	inv.Set("user", user.Id)
	inv.Set("status", schema.InvitationPending)
	return inv, nil
}

// setInvitation sets what the invitee reads: the profile asked, who asked.
func setInvitation(inv, est *core.Record, in NewMember, actor audit.Entry, invitedBy string) {
	inv.Set("establishmentName", est.GetString("name"))
	inv.Set("profile", in.Profile)
	inv.Set("collectorFor", in.CollectorFor)
	inv.Set("invitedBy", invitedBy)
	inv.Set("inviterName", actor.ActorEmail)
}

// inviterID is the inviting user, empty for the operator, who is no user.
func inviterID(app core.App, actor audit.Entry) string {
	if _, err := app.FindRecordById(schema.Users, actor.Actor); err != nil {
		return ""
	}
	return actor.Actor
}

// invitationEntry is the audit row of an invitation: the address the
// inviter typed, nothing of the user.
func invitationEntry(actor audit.Entry, est, inv *core.Record, in NewMember) audit.Entry {
	entry := actor
	entry.Action, entry.Establishment = audit.InvitationCreated, est.Id
	entry.Collection, entry.RecordID = schema.Invitations, inv.Id
	entry.Data = map[string]any{"email": in.Email, "profile": in.Profile}
	return entry
}

// invitationAnswer is what the inviter reads of an invitation: the address
// it typed, the profile and the state.
func invitationAnswer(inv *core.Record, email string) map[string]any {
	return map[string]any{"id": inv.Id, "email": email, "profile": inv.GetString("profile"), "status": inv.GetString("status")}
}

// bindInvitationRoutes serves POST /api/vigie/invitations/{id}/accept and
// /decline, for the invitee only (others get 404, as for a record they
// cannot see). Accepting creates the membership, once: the invitation
// leaves "pending" by a conditional UPDATE, so parallel accepts make one.
func bindInvitationRoutes(se *core.ServeEvent) {
	decide := func(accept bool) func(e *core.RequestEvent) error {
		return func(e *core.RequestEvent) error {
			if e.Auth == nil || e.Auth.Collection().Name != schema.Users {
				return e.UnauthorizedError("Sign in to answer an invitation.", nil)
			}
			inv, err := e.App.FindRecordById(schema.Invitations, e.Request.PathValue("id"))
			if err != nil || inv.GetString("user") != e.Auth.Id {
				return e.NotFoundError("", nil)
			}
			status := schema.InvitationDeclined
			if accept {
				status = schema.InvitationAccepted
			}
			var ms *core.Record
			err = e.App.RunInTransaction(func(tx core.App) error {
				now, _ := types.ParseDateTime(time.Now())
				res, err := tx.NonconcurrentDB().Update(schema.Invitations,
					dbx.Params{"status": status, "decidedAt": now.String(), "updated": now.String()},
					dbx.HashExp{"id": inv.Id, "status": schema.InvitationPending}).Execute()
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n != 1 {
					return e.Error(http.StatusConflict, "This invitation was already answered.", nil)
				}
				est, err := tx.FindRecordById(schema.Establishments, inv.GetString("establishment"))
				if err != nil {
					return e.NotFoundError("", nil)
				}
				if !accept {
					entry := audit.FromRequest(e, audit.InvitationDeclined)
					entry.Establishment, entry.Collection, entry.RecordID = est.Id, schema.Invitations, inv.Id
					return audit.Write(tx, entry)
				}
				if existing, _ := tx.FindFirstRecordByFilter(schema.Memberships, "user = {:u} && establishment = {:e}",
					dbx.Params{"u": e.Auth.Id, "e": est.Id}); existing != nil {
					ms = existing
					return nil
				}
				if ms, err = createMembership(tx, est, e.Auth, inv.GetString("profile"), inv.GetString("collectorFor")); err != nil {
					return err
				}
				entry := memberAddedEntry(audit.FromRequest(e, ""), est, ms, e.Auth, inv.GetString("profile"), false)
				entry.Data["invitation"] = inv.Id
				if err := audit.Write(tx, entry); err != nil {
					return err
				}
				return becomeContactOf(tx, est, e.Auth, inv.GetString("collectorFor"))
			})
			if err != nil {
				return err
			}
			if ms == nil {
				return e.JSON(http.StatusOK, map[string]any{"status": status})
			}
			return e.JSON(http.StatusOK, map[string]any{"status": status, "membership": ms})
		}
	}
	se.Router.POST("/api/vigie/invitations/{id}/accept", decide(true))
	se.Router.POST("/api/vigie/invitations/{id}/decline", decide(false))
}

// becomeContactOf makes a contact who accepted a customer's invitation the
// reference contact of that customer's relationship, if it has none: the
// supplier's own person chose it by accepting (N8, S10).
func becomeContactOf(tx core.App, supplier, user *core.Record, customer string) error {
	if customer == "" {
		return nil
	}
	rel, err := tx.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
		dbx.Params{"c": customer, "s": supplier.Id})
	if err != nil || len(rel.GetStringSlice("referents")) > 0 {
		return nil
	}
	rel.Set("referents", []string{user.Id})
	rel.Set("invitedContact", "")
	return tx.Save(rel)
}
