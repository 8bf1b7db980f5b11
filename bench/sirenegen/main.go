// Command sirenegen writes a synthetic StockEtablissement CSV in INSEE's real
// 54-column layout (header from internal/sirene/testdata), deterministic from a seed:
// the input of the directory import and search benchmarks.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strings"

	"vigie/internal/siret"
)

var (
	words  = strings.Fields("BOULANGERIE MARTIN DURAND TRANSPORTS NETTOYAGE BÂTIMENT ÉLECTRICITÉ PLOMBERIE CONSEIL INFORMATIQUE GARAGE PHARMACIE CAFÉ HÔTEL RESTAURANT COIFFURE MENUISERIE PEINTURE SÉCURITÉ LOGISTIQUE ATELIER SERVICES BERNARD PETIT ROUX MOREAU LEFEBVRE FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT MULLER FAURE ANDRÉ MERCIER BLANC GUÉRIN")
	voies  = []string{"RUE", "AV", "BD", "CHE", "PL", "IMP", "RTE", "ALL"}
	cities = []string{"PARIS", "LYON", "MARSEILLE", "TOULOUSE", "NICE", "NANTES", "STRASBOURG", "MONTPELLIER", "BORDEAUX", "LILLE", "RENNES", "REIMS", "SAINT-ÉTIENNE", "LE HAVRE", "GRENOBLE"}
	nafs   = []string{"62.01Z", "43.21A", "81.21Z", "49.41A", "56.10A", "47.73Z", "96.02A", "41.20A", "70.22Z", "45.20A"}
)

func main() {
	header := flag.String("header", "internal/sirene/testdata/StockEtablissement-header.csv", "the real header line")
	rows := flag.Int("rows", 1_000_000, "number of establishments")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	raw, err := os.ReadFile(*header)
	if err != nil {
		log.Fatal(err)
	}
	cols := strings.Split(strings.TrimSpace(string(raw)), ",")
	index := map[string]int{}
	for i, c := range cols {
		index[c] = i
	}
	rng := rand.New(rand.NewPCG(*seed, 2))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	fmt.Fprintln(w, strings.Join(cols, ","))
	rec := make([]string, len(cols))
	for n := 0; n < *rows; n++ {
		for i := range rec {
			rec[i] = ""
		}
		siren := siret.Complete(fmt.Sprintf("%08d", 10_000_000+n/2))
		number := siret.Complete(fmt.Sprintf("%s%04d", siren, 1+n%2))
		set := func(k, v string) { rec[index[k]] = v }
		set("siren", siren)
		set("nic", number[9:])
		set("siret", number)
		set("statutDiffusionEtablissement", "O")
		set("dateCreationEtablissement", fmt.Sprintf("%d-%02d-%02d", 1970+rng.IntN(55), 1+rng.IntN(12), 1+rng.IntN(28)))
		set("etablissementSiege", fmt.Sprint(n%2 == 0))
		set("numeroVoieEtablissement", fmt.Sprint(1+rng.IntN(200)))
		set("typeVoieEtablissement", voies[rng.IntN(len(voies))])
		set("libelleVoieEtablissement", "DE LA "+words[rng.IntN(len(words))])
		set("codePostalEtablissement", fmt.Sprintf("%05d", 1000+rng.IntN(94000)))
		set("libelleCommuneEtablissement", cities[rng.IntN(len(cities))])
		set("etatAdministratifEtablissement", map[bool]string{true: "A", false: "F"}[rng.IntN(10) > 1])
		set("denominationUsuelleEtablissement", words[rng.IntN(len(words))]+" "+words[rng.IntN(len(words))])
		set("activitePrincipaleEtablissement", nafs[rng.IntN(len(nafs))])
		set("nomenclatureActivitePrincipaleEtablissement", "NAFRev2")
		set("caractereEmployeurEtablissement", "N")
		fmt.Fprintln(w, strings.Join(rec, ","))
	}
}
