package network

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/schema"
)

// publicMailDomains are shared by people of every company: an address there
// says nothing of who employs its holder.
var publicMailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "yahoo.fr": true, "hotmail.com": true,
	"hotmail.fr": true, "outlook.com": true, "outlook.fr": true, "live.com": true, "live.fr": true,
	"msn.com": true, "icloud.com": true, "me.com": true, "aol.com": true, "orange.fr": true,
	"wanadoo.fr": true, "free.fr": true, "sfr.fr": true, "neuf.fr": true, "laposte.net": true,
	"bbox.fr": true, "protonmail.com": true, "proton.me": true, "gmx.fr": true, "gmx.com": true,
	"mail.com": true, "yandex.com": true,
}

// domainOf is the lowercase part of an address after its last "@".
func domainOf(email string) string {
	return strings.ToLower(email[strings.LastIndex(email, "@")+1:])
}

// ownDomains are the mail domains of the customer's company (S10): those of
// the members of every establishment with its SIREN, public mail providers
// aside. A supplier's contact there would be the customer's own person.
func ownDomains(tx core.App, customer *core.Record) (map[string]bool, error) {
	var emails []string
	err := tx.DB().Select("u.email").Distinct(true).From(schema.Memberships+" m").
		InnerJoin(schema.Establishments+" e", dbx.NewExp("e.id = m.establishment")).
		InnerJoin(schema.Users+" u", dbx.NewExp("u.id = m.user")).
		Where(dbx.HashExp{"e.siren": customer.GetString("siren")}).Column(&emails)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, e := range emails {
		if d := domainOf(e); !publicMailDomains[d] {
			out[d] = true
		}
	}
	return out, nil
}
