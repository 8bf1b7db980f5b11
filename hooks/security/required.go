package security

import (
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"vigie/hooks/tenancy"
	"vigie/internal/schema"
)

// establishmentOf finds, for each collection holding an establishment's data,
// the establishment a record belongs to (S3). Later collections add a line.
var establishmentOf = map[string]func(*core.Record) []string{
	schema.Establishments: func(r *core.Record) []string { return []string{r.Id} },
	schema.Memberships:    func(r *core.Record) []string { return []string{r.GetString("establishment")} },
	schema.AccessRequests: func(r *core.Record) []string { return []string{r.GetString("establishment")} },
	schema.AuditLog:       func(r *core.Record) []string { return []string{r.GetString("establishment")} },
	schema.Relationships:  func(r *core.Record) []string { return []string{r.GetString("customer"), r.GetString("supplier")} },
	schema.Documents:      func(r *core.Record) []string { return []string{r.GetString("supplier")} },
}

// errTOTPRequired is the clear answer of S3.
func errTOTPRequired() *router.ApiError {
	return &router.ApiError{Status: http.StatusForbidden,
		Message: "This establishment requires two-factor authentication: enrol in Security first (totp_required).",
		Data: map[string]any{"totp": map[string]string{"code": "totp_required",
			"message": "Two-factor authentication is required."}}}
}

// bindLockCache keeps s.locks exact (see versioned). An entry is
// tenancy.LockedEstablishments for one user: it depends on the memberships
// and on the establishments' requireTotp (the caller's own totpEnabled is
// read from its auth record before the cache is asked), and both are written
// through app.Save/Delete. The bulk supplier import inserts memberships
// without the hooks, but only of accounts it creates in establishments it
// creates, which no entry can describe yet. And requireTOTP only explains a
// refusal: the grants that the rules read, not this cache, are what hide a
// locked establishment's data, so even a missed write could not open it.
func (s *Service) bindLockCache(app core.App) {
	s.locks.invalidateOn(app, schema.Memberships, schema.Establishments)
}

// requireTOTP answers 403 totp_required to a member without TOTP on the data
// of an establishment that requires it (S3). The grants already hide that
// data (lists included); this says why instead of an empty answer. Lists of
// establishment data are refused while any of the caller's establishments
// is locked: the client must enrol first.
func (s *Service) requireTOTP(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != schema.Users || e.Auth.GetBool("totpEnabled") {
		return e.Next()
	}
	locked, err := s.locks.get(e.Auth.Id, nil, func() ([]string, error) {
		return tenancy.LockedEstablishments(e.App, e.Auth)
	})
	if err != nil || len(locked) == 0 {
		return e.Next()
	}
	path := e.Request.URL.Path
	if rest, ok := strings.CutPrefix(path, "/api/vigie/establishments/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		if slices.Contains(locked, id) {
			return errTOTPRequired()
		}
		return e.Next()
	}
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return e.Next()
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if len(parts) < 2 || parts[1] != "records" {
		return e.Next()
	}
	find, ok := establishmentOf[parts[0]]
	if !ok {
		return e.Next()
	}
	if len(parts) == 2 {
		if e.Request.Method == http.MethodGet {
			return errTOTPRequired()
		}
		return e.Next()
	}
	record, err := e.App.FindRecordById(parts[0], parts[2])
	if err != nil {
		return e.Next()
	}
	for _, est := range find(record) {
		if slices.Contains(locked, est) {
			return errTOTPRequired()
		}
	}
	return e.Next()
}
