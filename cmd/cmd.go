// Package cmd adds Vigie's own sub-commands to the PocketBase command line.
package cmd

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"vigie/hooks/demo"
	"vigie/internal/config"
)

// Register adds the sub-commands to root.
func Register(app core.App, root *cobra.Command, cfg *config.Config) {
	root.Use = "vigie"
	root.Short = "Vigie: compliance documents collected from suppliers and shared under access control"
	root.Long = root.Short + ".\n\nStart with `vigie serve` (pages at http://127.0.0.1:8090/, dashboard at /_/), then, in a\n" +
		"second terminal, `vigie superuser upsert EMAIL PASSWORD` and `vigie demo`. Vigie's own commands: access,\n" +
		"demo, directory, housekeeping, reminders; the others are PocketBase's."
	root.AddCommand(directoryCommand(app, cfg))
	root.AddCommand(accessCommand(app))
	root.AddCommand(remindersCommand(app, cfg))
	root.AddCommand(housekeepingCommand(app, cfg))
	root.AddCommand(&cobra.Command{
		Use:          "demo",
		Short:        "Load a small realistic demo data set and print how to sign in",
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			// Only serve applies migrations by itself.
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			accounts, err := demo.Load(app, cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "Demo data loaded. Every account's password is %q.\n\n", demo.Password)
			for _, a := range accounts {
				fmt.Fprintf(c.OutOrStdout(), "  %-40s %-20s %s\n", a.Email, a.Profile, a.Establishment)
			}
			fmt.Fprintf(c.OutOrStdout(), "\n%s has two-factor authentication on: secret %s (any authenticator app,\n"+
				"or oathtool --totp -b %s), recovery codes %s.\n", demo.TOTPEmail, demo.TOTPSecret, demo.TOTPSecret,
				strings.Join(demo.TOTPRecoveryCodes, ", "))
			fmt.Fprintf(c.OutOrStdout(), "The directory holds %d made-up establishments to add as suppliers (search \"plomberie\", \"garnier\"…).\n", demo.DirectorySize)
			// This process cannot know where serve listens: it says where
			// to look, with the public URL the links are built with.
			fmt.Fprintf(c.OutOrStdout(), "\nSign in at the address `serve` prints (links use %s; VIGIE_PUBLIC_URL changes it).\n", cfg.Link("/"))
			return nil
		},
	})
}
