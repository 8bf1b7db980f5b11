// Package schema names Vigie's collections and the fields that more than one
// package reads, so that migrations, hooks and tests agree by construction.
package schema

// Collection names: part of the public API (SPEC, "API contract").
const (
	Users          = "users"
	Establishments = "establishments"
	Memberships    = "memberships"
	Grants         = "grants"
	AccessRequests = "access_requests"
	Notifications  = "notifications"
	AuditLog       = "audit_log"
	Relationships  = "relationships"
	Locks          = "locks"
	TOTPSecrets    = "totp_secrets"
	TOTPChallenges = "totp_challenges"
	Directory      = "directory" // a plain table, not a collection
	DocumentTypes  = "document_types"
	Requirements   = "requirements"
	Documents      = "documents"
	DocumentAccess = "document_access"
	ShareLinks     = "share_links"
	ReminderLog    = "reminder_log"
	Invitations    = "invitations"
	Contracts      = "contracts"
)

// Relationship statuses.
const (
	RelationshipActive = "active"
	RelationshipEnded  = "ended"
)

// Access request statuses.
const (
	RequestPending  = "pending"
	RequestApproved = "approved"
	RequestRefused  = "refused"
)

// Invitation statuses (S9).
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationDeclined = "declined"
)

// Membership visibility (T7).
const (
	VisibilityAll      = "all"
	VisibilityAssigned = "assigned"
)

// UserSecurityFields are set by the server or the operator, never by the
// user through the API (issue 5).
var UserSecurityFields = []string{"support", "totpEnabled", "passwordScore", "lastLoginAt", "verified"}

// EstablishmentSettingsFields are an establishment's own settings, answered
// to its members only (N4).
var EstablishmentSettingsFields = []string{"modules", "requireTotp", "shareEmailCheck", "supportAccess", "supportUntil"}

// Document type kinds (D1).
const (
	KindLegal     = "legal"
	KindSpecific  = "specific"
	KindFinancial = "financial"
)

// Document statuses (D5, D6).
const (
	StatusValid      = "valid"
	StatusExpiring   = "expiring"
	StatusExpired    = "expired"
	StatusSuperseded = "superseded"
	StatusMissing    = "missing" // a requirement with no current document
)
