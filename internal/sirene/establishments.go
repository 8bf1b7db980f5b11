package sirene

import (
	"io"
	"strings"

	"vigie/internal/siret"
)

// EstablishmentReader streams establishments from a StockEtablissement file.
type EstablishmentReader struct {
	t *table
	// Names gives company names by SIREN, from the legal-unit file, for
	// establishments that have neither a usual name nor a sign.
	Names map[string]string
}

// NewEstablishmentReader reads the header and checks the identifying columns.
func NewEstablishmentReader(r io.Reader) (*EstablishmentReader, error) {
	t, err := newTable(r, "siret", "siren")
	if err != nil {
		return nil, err
	}
	return &EstablishmentReader{t: t}, nil
}

// Line is the number of the line last read (the header is line 1).
func (r *EstablishmentReader) Line() int { return r.t.line }

// Next returns the next establishment, a *RowError for a malformed line (the
// caller reports it and goes on), or io.EOF.
func (r *EstablishmentReader) Next() (Establishment, error) {
	rec, err := r.t.next()
	if err != nil {
		return Establishment{}, err
	}
	get := func(name string) string { return r.t.get(rec, name) }
	number, err := siret.Parse(get("siret"))
	if err != nil {
		return Establishment{}, &RowError{Line: r.t.line, Reason: "siret " + err.Error()}
	}
	e := Establishment{
		SIRET:      number,
		SIREN:      siret.SIREN(number),
		PostalCode: get("codePostalEtablissement"),
		City:       get("libelleCommuneEtablissement"),
		NAF:        get("activitePrincipaleEtablissement"),
		Active:     get("etatAdministratifEtablissement") != "F",
		HeadOffice: get("etablissementSiege") == "true",
	}
	e.Name = firstNonEmpty(get("denominationUsuelleEtablissement"), get("enseigne1Etablissement"), r.Names[e.SIREN])
	e.Address = joinNonEmpty(get("numeroVoieEtablissement")+get("indiceRepetitionEtablissement"),
		get("typeVoieEtablissement"), get("libelleVoieEtablissement"))
	if extra := get("complementAdresseEtablissement"); extra != "" {
		e.Address = joinNonEmpty(extra+",", e.Address)
	}
	return e, nil
}

// ReadLegalUnitNames returns company names by SIREN from a StockUniteLegale
// stream: the company name, or first name and last name for sole traders.
func ReadLegalUnitNames(r io.Reader, report func(error)) (map[string]string, error) {
	t, err := newTable(r, "siren")
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for {
		rec, err := t.next()
		if err == io.EOF {
			return names, nil
		}
		if rowErr, ok := err.(*RowError); ok {
			report(rowErr)
			continue
		}
		if err != nil {
			return nil, err
		}
		name := firstNonEmpty(t.get(rec, "denominationUniteLegale"),
			joinNonEmpty(t.get(rec, "prenom1UniteLegale"), t.get(rec, "nomUniteLegale")))
		if siren := t.get(rec, "siren"); name != "" && siren != "" {
			names[siren] = name
		}
	}
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}
