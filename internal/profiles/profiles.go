// Package profiles is SPEC's access matrix (T3, T4) as one table: which
// capability each of the seven profiles gives, and which establishment module
// bounds it. It is pure; the tenancy hooks turn its answer into grant rows that
// the collection rules read.
package profiles

import "slices"

// Profile is a membership's access profile (T3).
type Profile string

// The seven profiles of SPEC's matrix.
const (
	Admin             Profile = "admin"
	FullAccess        Profile = "full_access"
	Processing        Profile = "processing"
	ProcessingArchive Profile = "processing_archive"
	Feedback          Profile = "feedback"
	Delivery          Profile = "delivery"
	Collector         Profile = "collector"
)

// All lists the profiles in the matrix's column order.
var All = []Profile{Admin, FullAccess, Processing, ProcessingArchive, Feedback, Delivery, Collector}

// Valid reports whether p is one of the seven profiles.
func Valid(p string) bool { return slices.Contains(All, Profile(p)) }

// Module is an establishment module (T4).
type Module string

// The modules an establishment may enable.
const (
	Archive   Module = "archive"
	Reports   Module = "reports"
	Financial Module = "financial"
)

// Modules lists every module.
var Modules = []Module{Archive, Reports, Financial}

// Capability is one row of the matrix.
type Capability string

// The matrix's rows, plus Member: every membership may see its establishment.
const (
	Member          Capability = "member"
	Manage          Capability = "manage"           // "My company": settings, members, modules
	HandleDocuments Capability = "handle_documents" // upload, process, send, share
	SeeDocuments    Capability = "see_documents"    // current documents
	SeeArchive      Capability = "see_archive"      // expired and superseded versions
	SeeReports      Capability = "see_reports"      // reports, compliance dashboards
	SeeFinancial    Capability = "see_financial"    // bank details
	SeePartners     Capability = "see_partners"     // My customers / My suppliers
	ManageSuppliers Capability = "manage_suppliers" // add suppliers, set collected documents
)

// Capabilities lists every capability in the matrix's row order.
var Capabilities = []Capability{Member, Manage, HandleDocuments, SeeDocuments, SeeArchive,
	SeeReports, SeeFinancial, SeePartners, ManageSuppliers}

// Reach says how far a granted capability extends.
type Reach string

// Reaches of a grant. Option is resolved by the membership's financial flag and
// never appears in a computed grant.
const (
	Everything Reach = "all"       // the whole establishment
	OwnUploads Reach = "own"       // documents the member uploaded itself
	Collected  Reach = "collected" // what the collector's customer collects
	Assigned   Reach = "assigned"  // the relationships assigned to the member (T7)
	Option     Reach = "option"    // only with the membership's financial option
)

// matrix mirrors SPEC's table cell by cell; an absent cell is "no".
var matrix = map[Capability]map[Profile]Reach{
	Member: {Admin: Everything, FullAccess: Everything, Processing: Everything,
		ProcessingArchive: Everything, Feedback: Everything, Delivery: Everything, Collector: Collected},
	Manage: {Admin: Everything},
	HandleDocuments: {Admin: Everything, FullAccess: Everything, Processing: Everything,
		ProcessingArchive: Everything, Delivery: OwnUploads, Collector: Collected},
	SeeDocuments: {Admin: Everything, FullAccess: Everything, Processing: Everything,
		ProcessingArchive: Everything, Feedback: Everything, Delivery: OwnUploads, Collector: Collected},
	SeeArchive:      {Admin: Everything, FullAccess: Everything, ProcessingArchive: Everything, Feedback: Everything},
	SeeReports:      {Admin: Everything, FullAccess: Everything, Feedback: Everything},
	SeeFinancial:    {Admin: Everything, FullAccess: Option, Feedback: Option},
	SeePartners:     {Admin: Everything, FullAccess: Everything, Processing: Everything, ProcessingArchive: Everything, Feedback: Everything, Collector: Collected},
	ManageSuppliers: {Admin: Everything, FullAccess: Everything},
}

// requiredModule bounds a capability's width by what the establishment enables (T4).
var requiredModule = map[Capability]Module{
	SeeArchive:   Archive,
	SeeReports:   Reports,
	SeeFinancial: Financial,
}

// Membership is what the matrix needs to know about one membership.
type Membership struct {
	Profile   Profile
	Financial bool     // the member's financial option
	Modules   []Module // the modules its establishment enables
	// Assigned is an adviser's membership (visibility "assigned", T7): it
	// reaches only the business relationships assigned to the member.
	Assigned bool
}

// relationshipScoped are the capabilities that an adviser holds only over
// its assigned relationships (T7).
var relationshipScoped = []Capability{SeePartners, ManageSuppliers}

// Grant is one capability a membership holds, and how far it reaches.
type Grant struct {
	Capability Capability
	Reach      Reach
}

// Grants returns every capability m holds, bounded by its establishment's
// modules and its financial option, in Capabilities order.
func Grants(m Membership) []Grant {
	var out []Grant
	for _, c := range Capabilities {
		if reach, ok := Allows(m, c); ok {
			out = append(out, Grant{Capability: c, Reach: reach})
		}
	}
	return out
}

// Allows reports whether m holds capability c, and with which reach.
func Allows(m Membership, c Capability) (Reach, bool) {
	reach, ok := matrix[c][m.Profile]
	if !ok {
		return "", false
	}
	if mod, bounded := requiredModule[c]; bounded && !slices.Contains(m.Modules, mod) {
		return "", false
	}
	if reach == Option {
		if !m.Financial {
			return "", false
		}
		reach = Everything
	}
	if m.Assigned && reach == Everything && slices.Contains(relationshipScoped, c) {
		reach = Assigned
	}
	return reach, true
}

// supportReads is what support staff may read while an admin grants them
// access (S5): never a write, never bank details.
var supportReads = []Capability{Member, SeeDocuments, SeeArchive, SeeReports, SeePartners}

// SupportGrants returns the grants of support staff in an establishment
// enabling modules, bounded by those modules like any profile's (T4).
func SupportGrants(modules []Module) []Grant {
	var out []Grant
	for _, c := range supportReads {
		if mod, bounded := requiredModule[c]; bounded && !slices.Contains(modules, mod) {
			continue
		}
		out = append(out, Grant{Capability: c, Reach: Everything})
	}
	return out
}

// Holders lists the profiles that may hold c at all, whatever the modules: the
// answer a page needs to offer only meaningful choices.
func Holders(c Capability) []Profile {
	var out []Profile
	for _, p := range All {
		if _, ok := matrix[c][p]; ok {
			out = append(out, p)
		}
	}
	return out
}
