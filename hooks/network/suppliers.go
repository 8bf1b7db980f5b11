package network

import (
	"time"

	"fmt"
	"slices"
	"strings"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/go-ozzo/ozzo-validation/v4/is"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/locks"
	"vigie/hooks/notify"
	"vigie/hooks/tenancy"
	"vigie/internal/config"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/siret"
)

// Contact is the supplier's person a customer knows (N2).
type Contact struct {
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

// NewSupplier is one supplier a customer adds: by SIRET, with a contact.
type NewSupplier struct {
	SIRET   string  `json:"siret"`
	Contact Contact `json:"contact"`
}

// Row statuses of an addition, as the bulk import reports them (N3).
const (
	StatusCreated        = "created"         // establishment created from the directory
	StatusLinked         = "linked"          // known establishment, new relationship
	StatusAlreadyPresent = "already_present" // the relationship existed
	StatusInvalid        = "invalid"
)

// Added is what AddSupplier did.
type Added struct {
	Status       string
	Relationship *core.Record
	Supplier     *core.Record
	Membership   *core.Record
	// Invitation asks a contact who already has an account to join the
	// supplier (S9, S10): it is not a member until it accepts.
	Invitation *core.Record
}

// validate normalises the input and names the faulty field.
func (in *NewSupplier) validate() error {
	in.Contact.Email = strings.ToLower(strings.TrimSpace(in.Contact.Email))
	in.Contact.FirstName = strings.TrimSpace(in.Contact.FirstName)
	in.Contact.LastName = strings.TrimSpace(in.Contact.LastName)
	errs := validation.Errors{}
	number, err := siret.Parse(in.SIRET)
	if err != nil {
		errs["siret"] = validation.NewError("validation_invalid_siret", "SIRET "+err.Error()+".")
	}
	in.SIRET = number
	if err := validation.Validate(in.Contact.Email, validation.Required, is.EmailFormat, validation.Length(3, 255)); err != nil {
		errs["contact"] = validation.Errors{"email": err}
	}
	if len(in.Contact.FirstName) > 100 || len(in.Contact.LastName) > 100 {
		errs["contact"] = validation.Errors{"lastName": validation.NewError("validation_length", "At most 100 characters.")}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// AddSupplier links customer to the supplier with that SIRET within tx (N2,
// N7): the supplier's establishment comes from the directory when unknown;
// the contact becomes a collector restricted to this customer (admin when the
// supplier has no member, T5) and its reference contact; the supplier's
// admins and members are told. callerID is the customer member acting (empty
// for the operator).
func AddSupplier(tx core.App, cfg *config.Config, customer *core.Record, in NewSupplier, actor audit.Entry, callerID string) (*Added, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := checkNotOwnCompany(tx, customer, in, callerID); err != nil {
		return nil, err
	}
	added := &Added{Status: StatusLinked}
	supplier, err := tx.FindFirstRecordByData(schema.Establishments, "siret", in.SIRET)
	if err != nil {
		if supplier, err = createFromDirectory(tx, in.SIRET); err != nil {
			return nil, err
		}
		added.Status = StatusCreated
	}
	added.Supplier = supplier
	ms, inv, newcomer, invited, err := ensureContact(tx, cfg, customer, supplier, in.Contact, actor)
	if err != nil {
		return nil, err
	}
	added.Invitation = inv
	if newcomer {
		added.Membership = ms // the customer's own doing; an existing one is the supplier's business
	}
	// S10, N8: the supplier's admins choose its reference contacts. Only a
	// person this addition brought in becomes one, the one the customer
	// typed; an existing user is never made one by a customer.
	referent, contactID := "", ""
	if ms != nil {
		contactID = ms.GetString("user")
	}
	if invited {
		referent = contactID
	}
	invitedContact := ""
	if inv != nil {
		invitedContact = in.Contact.Email
	}
	rel, fresh, err := ensureRelationship(tx, customer, supplier, callerID, referent, invitedContact)
	if err != nil {
		return nil, err
	}
	if !fresh {
		added.Status = StatusAlreadyPresent
	}
	added.Relationship = rel
	if fresh {
		if err := tellSupplier(tx, cfg, customer, supplier, contactID); err != nil {
			return nil, err
		}
		if err := audit.Write(tx, relationshipEntry(actor, customer, supplier, rel, in.Contact.Email)); err != nil {
			return nil, err
		}
	}
	if newcomer && ms.GetString("profile") == string(profiles.Collector) {
		if err := askAdminsToReview(tx, cfg, customer, supplier, ms, in.Contact); err != nil {
			return nil, err
		}
	}
	return added, nil
}

// relationshipEntry is the audit entry of a relationship a customer created.
func relationshipEntry(actor audit.Entry, customer, supplier, rel *core.Record, contact string) audit.Entry {
	actor.Action = audit.RelationshipCreated
	actor.Establishment = customer.Id
	actor.Collection = schema.Relationships
	actor.RecordID = rel.Id
	actor.Data = map[string]any{"supplier": supplier.Id, "siret": supplier.GetString("siret"), "contact": contact}
	return actor
}

// checkNotOwnCompany enforces N7 and S10: a customer user never adds
// itself, nor a member of its own company or an address at its company's
// mail domains, nor its own establishment.
func checkNotOwnCompany(tx core.App, customer *core.Record, in NewSupplier, callerID string) error {
	if in.SIRET == customer.GetString("siret") {
		return validation.Errors{"siret": validation.NewError("validation_self_supplier", "An establishment cannot be its own supplier.")}
	}
	if contact, err := tx.FindAuthRecordByEmail(schema.Users, in.Contact.Email); err == nil {
		if contact.Id == callerID {
			return validation.Errors{"contact": validation.Errors{"email": validation.NewError("validation_self_contact", "You cannot add yourself to a supplier.")}}
		}
		var n int
		_ = tx.DB().Select("count(*)").From(schema.Memberships+" m").
			InnerJoin(schema.Establishments+" e", dbx.NewExp("e.id = m.establishment")).
			Where(dbx.HashExp{"m.user": contact.Id, "e.siren": customer.GetString("siren")}).Row(&n)
		if n > 0 {
			return validation.Errors{"contact": validation.Errors{"email": validation.NewError("validation_own_company",
				"This person is a member of your own company.")}}
		}
	}
	domains, err := ownDomains(tx, customer)
	if err != nil {
		return err
	}
	if domains[domainOf(in.Contact.Email)] {
		return validation.Errors{"contact": validation.Errors{"email": validation.NewError("validation_own_domain",
			"This address is at your own company's mail domain: a supplier's contact must be the supplier's person.")}}
	}
	return nil
}

// ErrUnknownSIRET is returned when a SIRET is neither in the portal nor in
// the directory.
var ErrUnknownSIRET = validation.Errors{"siret": validation.NewError("validation_unknown_siret",
	"This SIRET is not in the directory: ask the operator to load the SIRENE file or create the establishment.")}

func createFromDirectory(tx core.App, number string) (*core.Record, error) {
	entry, err := FindInDirectory(tx, number)
	if err != nil {
		return nil, ErrUnknownSIRET
	}
	est, err := newEstablishment(tx, entry)
	if err != nil {
		return nil, err
	}
	if err := tx.Save(est); err != nil {
		return nil, fmt.Errorf("network: unable to create the supplier: %w", err)
	}
	return est, nil
}

// newEstablishment is the unsaved establishment of a directory entry.
func newEstablishment(app core.App, entry *DirectoryEntry) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId(schema.Establishments)
	if err != nil {
		return nil, err
	}
	est := core.NewRecord(col)
	est.Load(map[string]any{"siret": entry.SIRET, "name": firstNonEmpty(entry.Name, entry.SIRET), "address": entry.Address,
		"postalCode": entry.PostalCode, "city": entry.City, "naf": entry.NAF, "shareEmailCheck": true})
	return est, nil
}

// ensureRelationship finds or creates the active relationship, with the
// referent, if any, among its reference contacts, in one save; fresh is true
// when it was created or reactivated.
func ensureRelationship(tx core.App, customer, supplier *core.Record, callerID, referent, invitedContact string) (*core.Record, bool, error) {
	rel, err := tx.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
		dbx.Params{"c": customer.Id, "s": supplier.Id})
	fresh := err != nil || rel.GetString("status") != schema.RelationshipActive
	if err != nil {
		col, cerr := tx.FindCachedCollectionByNameOrId(schema.Relationships)
		if cerr != nil {
			return nil, false, cerr
		}
		rel = core.NewRecord(col)
		rel.Set("customer", customer.Id)
		rel.Set("supplier", supplier.Id)
		rel.Set("owner", callerID)
		rel.Set("invitedContact", invitedContact)
	}
	isReferent := referent == "" || slices.Contains(rel.GetStringSlice("referents"), referent)
	if !fresh && isReferent {
		return rel, false, nil
	}
	if !rel.IsNew() {
		if err := locks.Writable(tx, schema.Relationships, rel.Id, callerID, time.Now()); err != nil {
			return nil, false, err
		}
	}
	rel.Set("status", schema.RelationshipActive)
	if !isReferent {
		rel.Set("referents+", referent)
	}
	if err := tx.Save(rel); err != nil {
		return nil, false, err
	}
	return rel, fresh, nil
}

// ensureContact makes the contact a member of the supplier: an existing
// membership stays as it is; a newcomer without an account is a collector
// for this customer; someone with an account, or anyone for a supplier
// without members (whom T5 would make admin), is invited to become one
// (S9, S10), and no member until it accepts. created says the membership
// is new, invited that its account is too.
func ensureContact(tx core.App, cfg *config.Config, customer, supplier *core.Record, c Contact, actor audit.Entry) (ms, inv *core.Record, created, invited bool, err error) {
	user, err := tx.FindAuthRecordByEmail(schema.Users, c.Email)
	if err == nil {
		if ms, err := tx.FindFirstRecordByFilter(schema.Memberships, "user = {:u} && establishment = {:e}",
			dbx.Params{"u": user.Id, "e": supplier.Id}); err == nil {
			return ms, nil, false, false, nil
		}
	}
	in := tenancy.NewMember{Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
		Profile: string(profiles.Collector), CollectorFor: customer.Id}
	add := tenancy.AddMember
	if user == nil && tenancy.HasNoMember(tx, supplier.Id) {
		// S10: T5 would make the contact admin; only its own answer may.
		add = tenancy.InviteFirstContact
	}
	added, err := add(tx, cfg, supplier, in, actor)
	if err != nil {
		return nil, nil, false, false, err
	}
	if added.Invitation != nil {
		return nil, added.Invitation, false, false, nil
	}
	return added.Membership, nil, true, added.Invited, nil
}

// tellSupplier notifies the supplier's members but the contact (told by the
// invitation) that a customer now follows them (N2).
func tellSupplier(tx core.App, cfg *config.Config, customer, supplier *core.Record, contactID string) error {
	members, err := tx.FindAllRecords(schema.Memberships, dbx.HashExp{"establishment": supplier.Id})
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.GetString("user") == contactID && m.GetString("profile") != string(profiles.Admin) {
			continue
		}
		user, err := tx.FindRecordById(schema.Users, m.GetString("user"))
		if err != nil {
			continue
		}
		if err := notify.User(tx, user, supplierAddedMessage(cfg, customer, supplier)); err != nil {
			return err
		}
	}
	return nil
}

func supplierAddedMessage(cfg *config.Config, customer, supplier *core.Record) notify.Message {
	return notify.Message{Kind: notify.KindSupplierAdded, Vars: map[string]string{
		"customer": customer.GetString("name"), "establishment": supplier.GetString("name"), "link": cfg.Link("/customers.html"),
	}, Data: map[string]any{"customer": customer.Id, "supplier": supplier.Id}}
}

// askAdminsToReview tells the supplier's admins that a customer added a
// restricted user they may want to give more rights (N7).
func askAdminsToReview(tx core.App, cfg *config.Config, customer, supplier, ms *core.Record, c Contact) error {
	return tenancy.NotifyAdmins(tx, supplier.Id, notify.Message{Kind: notify.KindProfileToReview, Vars: map[string]string{
		"customer": customer.GetString("name"), "establishment": supplier.GetString("name"),
		"name": strings.TrimSpace(c.FirstName + " " + c.LastName), "email": c.Email, "profile": ms.GetString("profile"),
		"link": cfg.Link("/company.html?establishment=" + supplier.Id),
	}, Data: map[string]any{"establishment": supplier.Id, "membership": ms.Id}})
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
