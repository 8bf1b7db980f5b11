// Command vigie is the compliance-document portal: one executable with its
// database, pages, API and dashboard (see README.md).
package main

import (
	"log"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"vigie/cmd"
	"vigie/hooks"
	"vigie/internal/config"
	"vigie/internal/stmtcache"
	_ "vigie/pb_migrations"
)

func main() {
	app := pocketbase.NewWithConfig(pocketbase.Config{DBConnect: stmtcache.Connect})

	cfg, err := config.FromEnvironment()
	if err != nil {
		log.Fatal(err)
	}
	cfg.BindFlags(app.RootCmd.PersistentFlags())

	// Automigrate writes migration files from dashboard edits: in dev only.
	dev := strings.HasPrefix(os.Args[0], os.TempDir())
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{Dir: "pb_migrations", Automigrate: dev})

	hooks.Register(app, &cfg)
	cmd.Register(app, app.RootCmd, &cfg)

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
