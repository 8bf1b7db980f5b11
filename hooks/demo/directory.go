package demo

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/network"
	"vigie/internal/sirene"
	"vigie/internal/siret"
)

// DirectorySize is how many made-up establishments the demo adds to the
// directory, so that adding a supplier from it (N2) can be tried with
// names, towns and trades that look like the SIRENE file's.
const DirectorySize = 3000

// trades pairs a French trade name with its NAF code.
var trades = []struct{ name, naf string }{
	{"Plomberie", "43.22A"}, {"Électricité", "43.21A"}, {"Maçonnerie", "43.99C"}, {"Menuiserie", "43.32A"},
	{"Peinture", "43.34Z"}, {"Couverture", "43.91B"}, {"Nettoyage", "81.21Z"}, {"Transports", "49.41A"},
	{"Terrassement", "43.12A"}, {"Charpente", "43.91A"}, {"Climatisation", "43.22B"}, {"Serrurerie", "25.12Z"},
	{"Gardiennage", "80.10Z"}, {"Espaces verts", "81.30Z"}, {"Informatique", "62.02A"}, {"Intérim", "78.20Z"},
}

var families = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
	"Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
	"Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier",
	"Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu"}

var forms = []string{"SARL", "SAS", "SA", "EURL", "et Fils", "Frères", ""}

var towns = []struct{ postalCode, city string }{
	{"75011", "Paris"}, {"75015", "Paris"}, {"69003", "Lyon"}, {"13008", "Marseille"}, {"31000", "Toulouse"},
	{"06000", "Nice"}, {"44000", "Nantes"}, {"67000", "Strasbourg"}, {"34000", "Montpellier"}, {"33000", "Bordeaux"},
	{"59000", "Lille"}, {"35000", "Rennes"}, {"51100", "Reims"}, {"42000", "Saint-Étienne"}, {"76600", "Le Havre"},
	{"38000", "Grenoble"}, {"21000", "Dijon"}, {"49000", "Angers"}, {"37000", "Tours"}, {"63000", "Clermont-Ferrand"},
	{"87000", "Limoges"}, {"80000", "Amiens"}, {"57000", "Metz"}, {"25000", "Besançon"}, {"64000", "Pau"},
}

var streets = []string{"RUE DE LA REPUBLIQUE", "AVENUE JEAN JAURES", "RUE VICTOR HUGO", "BOULEVARD GAMBETTA",
	"RUE DU GENERAL LECLERC", "PLACE DE LA GARE", "RUE PASTEUR", "AVENUE DE LA LIBERATION", "RUE DES ARTISANS",
	"ZONE ARTISANALE DES PRES", "RUE JULES FERRY", "CHEMIN DES VIGNES"}

// directoryCSV is DirectorySize establishments in the SIRENE file's
// layout, the same every time (a second demo run updates the same rows).
func directoryCSV() string {
	rnd := rand.New(rand.NewPCG(2026, 12))
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"siren", "siret", "denominationUsuelleEtablissement", "numeroVoieEtablissement",
		"libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement",
		"activitePrincipaleEtablissement", "etatAdministratifEtablissement", "etablissementSiege"})
	for n := 0; n < DirectorySize; n++ {
		trade := trades[rnd.IntN(len(trades))]
		name := strings.TrimSpace(fmt.Sprintf("%s %s %s", trade.name, families[rnd.IntN(len(families))], forms[rnd.IntN(len(forms))]))
		town := towns[rnd.IntN(len(towns))]
		// 9xxxxxxx: SIRENs of the demo, one establishment in ten a branch.
		siren := siret.Complete(fmt.Sprintf("9%07d", n))
		nic, head := "0001", "true"
		if n%10 == 9 {
			nic, head = "0002", "false"
		}
		state := "A"
		if rnd.IntN(20) == 0 {
			state = "F" // closed: the directory says so
		}
		w.Write([]string{siren, siret.Complete(siren + nic), name, fmt.Sprint(1 + rnd.IntN(120)),
			streets[rnd.IntN(len(streets))], town.postalCode, strings.ToUpper(town.city), trade.naf, state, head})
	}
	w.Flush()
	return b.String()
}

// loadDirectory writes the demo directory through the SIRENE import.
func loadDirectory(app core.App) error {
	r, err := sirene.NewEstablishmentReader(strings.NewReader(directoryCSV()))
	if err != nil {
		return err
	}
	_, err = network.ImportDirectory(app, r, func(*sirene.RowError) {}, nil)
	return err
}
