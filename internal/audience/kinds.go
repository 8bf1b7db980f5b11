package audience

// Access rows are not only document keys. Every collection's rules read the
// same table (document_access: user, kind, key): a row says "user may read
// records whose column holds key", and kind says which rules it serves, so
// a key of one kind never opens a record of another (record ids are unique
// per collection only). Document keys have the empty kind; their keys hold
// a ':' that no record id has, so no rule confuses the two.
//
// A capability grant (internal/profiles) is mirrored as a row whose kind is
// the capability and whose key is the establishment it applies to, so a
// rule asks "holds manage on establishment" through the same index as
// "may see this user".
const (
	// KindSelf rows name the holder itself: its memberships, its access
	// requests, its share links, its own user record.
	KindSelf = "self"
	// KindUser rows name another user the holder sees: a member of an
	// establishment it manages (T2), a supplier's reference contact (N6).
	KindUser = "user"
	// KindRelationship rows name a relationship the holder sees (N4, T7).
	KindRelationship = "relationship"
	// KindTypes rows name an establishment whose own document types the
	// holder sees; the empty key stands for the built-in catalogue (D1).
	KindTypes = "types"
	// KindRequirements rows hold a requirement audience key (Requirement).
	KindRequirements = "requirements"
)

// allSuppliers is Requirement's supplier part for a requirement addressed
// to every supplier of its customer.
const allSuppliers = "*"

// Requirement is the audience key a requirement carries for the supplier
// side: the customer and the supplier it names, or every supplier. The
// members of a supplier allowed to see its relationship with customer hold
// Requirement(customer, "") and Requirement(customer, supplier) (D2).
func Requirement(customer, supplier string) string {
	if supplier == "" {
		supplier = allSuppliers
	}
	return customer + ":" + supplier
}

// RequirementSQL is Requirement as an SQL expression over a requirements
// row's columns, for the migration and the rebuild that fill existing rows.
const RequirementSQL = "customer || ':' || CASE supplier WHEN '' THEN '" + allSuppliers + "' ELSE supplier END"

// SeesRelationshipSQL is the SQL condition "user {:u} holds the
// relationship row of relationship column rel" over an alias of
// document_access, written so that SQLite probes its (user, kind, key)
// index. The compliance queries join through it to keep a member to the
// suppliers it sees (T7).
func SeesRelationshipSQL(alias, rel string) string {
	return alias + ".`user` = {:u} AND " + alias + ".kind = '" + KindRelationship + "' AND COALESCE(" + alias + ".`key`, '') = " + rel
}
