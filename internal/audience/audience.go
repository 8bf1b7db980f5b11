// Package audience names who may read a document as short keys (N5): each
// document carries three, each user holds the keys it may read, and the
// documents rule matches the two. Both sides build their keys here, so they
// agree by construction.
package audience

// The key forms; ids are PocketBase record ids (no colon).
const (
	typePrefix      = "t:"  // t:<supplier>:<type>: a shared document of one type
	addressedPrefix = "a:"  // a:<supplier>:<addressee>: a specific document
	supplierPrefix  = "s:"  // s:<supplier>: the supplier's own documents
	financialPrefix = "sf:" // sf:<supplier>: the supplier's financial documents
	ownerPrefix     = "o:"  // o:<supplier>:<uploader>: one member's uploads
	ownerFinancial  = "of:" // of:<supplier>:<uploader>: the same, financial
	archiveSuffix   = ":x"  // the same, once superseded or expired
)

// Type is the key of supplier's shared documents of one type, for the
// customers collecting it.
func Type(supplier, docType string) string { return typePrefix + supplier + ":" + docType }

// Addressed is the key of supplier's specific documents addressed to one
// customer.
func Addressed(supplier, addressee string) string {
	return addressedPrefix + supplier + ":" + addressee
}

// Supplier is the key of every document of supplier, for its members;
// financial documents have their own.
func Supplier(supplier string, financial bool) string {
	if financial {
		return financialPrefix + supplier
	}
	return supplierPrefix + supplier
}

// Owner is the key of the documents one user uploaded for supplier;
// financial ones have their own: uploading bank details does not open them.
func Owner(supplier, user string, financial bool) string {
	if financial {
		return ownerFinancial + supplier + ":" + user
	}
	return ownerPrefix + supplier + ":" + user
}

// Archived is key's form for archived documents.
func Archived(key string) string { return key + archiveSuffix }

// Document is what decides a document's keys.
type Document struct {
	Supplier, Type, Addressee, UploadedBy string
	Financial, Archived                   bool
}

// Keys returns d's access, supplier and owner keys.
func (d Document) Keys() (access, supplier, owner string) {
	access = Type(d.Supplier, d.Type)
	if d.Addressee != "" {
		access = Addressed(d.Supplier, d.Addressee)
	}
	supplier = Supplier(d.Supplier, d.Financial)
	owner = Owner(d.Supplier, d.UploadedBy, d.Financial)
	if d.Archived {
		access, supplier, owner = Archived(access), Archived(supplier), Archived(owner)
	}
	return access, supplier, owner
}

// Set collects a user's keys; withArchive adds each key's archived form.
type Set struct {
	keys        []string
	withArchive bool
}

// NewSet starts a set; withArchive says the user may read the archive.
func NewSet(withArchive bool) *Set { return &Set{withArchive: withArchive} }

// Add adds keys (and their archived forms when allowed).
func (s *Set) Add(keys ...string) {
	for _, k := range keys {
		s.keys = append(s.keys, k)
		if s.withArchive {
			s.keys = append(s.keys, Archived(k))
		}
	}
}

// Keys returns the keys added.
func (s *Set) Keys() []string { return s.keys }

// Column is a document column that holds keys, with the prefixes its keys
// start with: every key of one form lies in a single column, so a user's
// keys of that form need to be looked up there only.
type Column struct {
	Name     string
	Prefixes []string
}

// Columns lists the key columns in the order Document.Keys returns them.
func Columns() []Column {
	return []Column{
		{"accessKey", []string{typePrefix, addressedPrefix}},
		{"supplierKey", []string{supplierPrefix, financialPrefix}},
		{"ownerKey", []string{ownerPrefix, ownerFinancial}},
	}
}

// PrefixEnd bounds the keys starting with prefix: every prefix ends with
// ':', and any string starting with it sorts below the same with ';' (the
// next byte) instead.
func PrefixEnd(prefix string) string { return prefix[:len(prefix)-1] + ";" }
