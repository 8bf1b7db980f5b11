package tenancy

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/go-ozzo/ozzo-validation/v4/is"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/security"
	"golang.org/x/crypto/bcrypt"

	"vigie/hooks/audit"
	"vigie/hooks/notify"
	"vigie/internal/config"
	"vigie/internal/profiles"
	"vigie/internal/schema"
)

// NewMember is who to add to an establishment (T6, N2) and with which profile.
type NewMember struct {
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Profile   string `json:"profile"`
	// CollectorFor is the customer a collector works for (N7).
	CollectorFor string `json:"-"`
}

// Validate checks the input and names the faulty field.
func (n *NewMember) Validate() error {
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	n.FirstName = strings.TrimSpace(n.FirstName)
	n.LastName = strings.TrimSpace(n.LastName)
	return validation.ValidateStruct(n,
		validation.Field(&n.Email, validation.Required, is.EmailFormat, validation.Length(3, 255)),
		validation.Field(&n.FirstName, validation.Length(0, 100)),
		validation.Field(&n.LastName, validation.Length(0, 100)),
		validation.Field(&n.Profile, validation.Required, validation.By(func(any) error {
			if !profiles.Valid(n.Profile) {
				return validation.NewError("validation_invalid_profile", "Unknown profile.")
			}
			return nil
		})),
	)
}

// Added is the result of AddMember: a membership, or, for a user who
// already had an account, an invitation to accept (S9).
type Added struct {
	Membership *core.Record
	User       *core.Record
	// Invited is true when the user did not exist and was invited.
	Invited bool
	// Invitation waits for an existing user's consent; Membership and User
	// are then nil: the inviter learns nothing of that user.
	Invitation *core.Record
}

// ErrAlreadyMember is returned when the user is already a member.
var ErrAlreadyMember = router.NewApiError(http.StatusConflict, "This person is already a member of the establishment.",
	validation.Errors{"email": validation.NewError("already_member", "Already a member.")})

// AddMember adds the person to est within tx. Someone without an account
// gets one and the membership at once (the model hooks apply T5 and
// grants), with the link to choose a password; someone with an account
// gets an invitation to accept (S9), and no membership until then. It
// writes the audit row and notifies them, the email leaving once tx commits.
func AddMember(tx core.App, cfg *config.Config, est *core.Record, in NewMember, actor audit.Entry) (*Added, error) {
	user, err := tx.FindAuthRecordByEmail(schema.Users, in.Email)
	if err == nil {
		existing, _ := tx.FindFirstRecordByFilter(schema.Memberships, "user = {:u} && establishment = {:e}",
			dbx.Params{"u": user.Id, "e": est.Id})
		if existing != nil {
			return nil, ErrAlreadyMember
		}
		inv, err := invite(tx, cfg, est, user, in, actor)
		if err != nil {
			return nil, err
		}
		return &Added{Invitation: inv}, nil
	}
	if user, err = createInvitedUser(tx, in); err != nil {
		return nil, err
	}
	const invited = true
	ms, err := createMembership(tx, est, user, in.Profile, in.CollectorFor)
	if err != nil {
		return nil, err
	}

	if err := audit.Write(tx, memberAddedEntry(actor, est, ms, user, in.Profile, invited)); err != nil {
		return nil, err
	}
	msg, err := newMemberMessage(cfg, est, ms, user, invited, actor.ActorEmail)
	if err != nil {
		return nil, err
	}
	if err := notify.User(tx, user, msg); err != nil {
		return nil, err
	}
	return &Added{Membership: ms, User: user, Invited: invited}, nil
}

func createMembership(tx core.App, est, user *core.Record, profile, collectorFor string) (*core.Record, error) {
	msCol, err := tx.FindCachedCollectionByNameOrId(schema.Memberships)
	if err != nil {
		return nil, err
	}
	ms := core.NewRecord(msCol)
	ms.Set("user", user.Id)
	ms.Set("establishment", est.Id)
	ms.Set("profile", profile)
	ms.Set("collectorFor", collectorFor)
	if err := tx.Save(ms); err != nil {
		return nil, err
	}
	return ms, nil
}

// memberAddedEntry is the audit entry of a new membership; asked is the
// profile requested, which T5 may have overridden.
func memberAddedEntry(actor audit.Entry, est, ms, user *core.Record, asked string, invited bool) audit.Entry {
	actor.Action = audit.MembershipCreated
	actor.Establishment = est.Id
	actor.Collection = schema.Memberships
	actor.RecordID = ms.Id
	actor.Data = map[string]any{"user": user.Id, "email": user.Email(), "profile": ms.GetString("profile"),
		"asked": asked, "invited": invited}
	return actor
}

func createInvitedUser(tx core.App, in NewMember) (*core.Record, error) {
	u, err := newInvitedUser(tx, in)
	if err != nil {
		return nil, err
	}
	if err := tx.Save(u); err != nil {
		return nil, fmt.Errorf("tenancy: unable to create user: %w", err)
	}
	return u, nil
}

// newInvitedUser is the unsaved account of someone invited by email.
func newInvitedUser(app core.App, in NewMember) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId(schema.Users)
	if err != nil {
		return nil, err
	}
	u := core.NewRecord(col)
	u.SetEmail(in.Email)
	u.Set("firstName", in.FirstName)
	u.Set("lastName", in.LastName)
	u.SetEmailVisibility(true)
	u.SetRaw("password", &core.PasswordFieldValue{Hash: invitedPasswordHash()})
	return u, nil
}

var invitedHash = sync.OnceValue(func() string {
	hash, err := bcrypt.GenerateFromPassword([]byte(security.RandomString(50)), bcrypt.DefaultCost)
	if err != nil {
		panic(err) // only for a cost out of range
	}
	return string(hash)
})

// invitedPasswordHash is the password of accounts waiting for their owner:
// the hash of a random secret that was never stored nor shown, so no
// password opens them until the invitation link sets one. One hash per
// process instead of one per account saves a bcrypt (about 70 ms) for each
// invitation: 10,000-row imports depend on it.
func invitedPasswordHash() string { return invitedHash() }

// newMemberMessage tells a new member where it now belongs; an invited one
// gets the link to choose its password.
func newMemberMessage(cfg *config.Config, est, ms, user *core.Record, invited bool, inviter string) (notify.Message, error) {
	vars := map[string]string{
		"firstName":     user.GetString("firstName"),
		"establishment": est.GetString("name"),
		"profile":       ms.GetString("profile"),
		"inviter":       inviter,
		"link":          cfg.Link("/"),
		"validity":      cfg.InviteValidity.String(),
	}
	kind := notify.KindMemberAdded
	if invited {
		link, err := inviteLink(cfg, user)
		if err != nil {
			return notify.Message{}, err
		}
		vars["link"] = link
		kind = notify.KindInvitation
	}
	return notify.Message{Kind: kind, Vars: vars, Data: map[string]any{"establishment": est.Id, "membership": ms.Id}}, nil
}

// bindMembersRoute serves POST /api/vigie/establishments/{id}/members (T6):
// admins add a member directly.
func bindMembersRoute(se *core.ServeEvent, cfg *config.Config) {
	se.Router.POST("/api/vigie/establishments/{id}/members", func(e *core.RequestEvent) error {
		est, err := RequireCapability(e, e.Request.PathValue("id"), profiles.Manage)
		if err != nil {
			return err
		}
		var in NewMember
		if err := e.BindBody(&in); err != nil {
			return e.BadRequestError("The body must be a JSON object.", err)
		}
		if err := in.Validate(); err != nil {
			return e.BadRequestError("Invalid member.", err)
		}
		if in.Profile == string(profiles.Collector) {
			return e.BadRequestError("Invalid member.", validation.Errors{"profile": validation.NewError(
				"validation_collector_by_customer", "Collectors are added by customers, with the supplier they collect from.")})
		}
		var added *Added
		err = e.App.RunInTransaction(func(tx core.App) error {
			added, err = AddMember(tx, cfg, est, in, audit.FromRequest(e, ""))
			return err
		})
		if err != nil {
			return err
		}
		if added.Invitation != nil {
			return e.JSON(http.StatusAccepted, map[string]any{"invitation": invitationAnswer(added.Invitation, in.Email)})
		}
		return e.JSON(http.StatusOK, added.Membership)
	})
}
