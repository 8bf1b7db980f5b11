package cmd

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"vigie/hooks/tenancy"
)

// accessCommand is `vigie access rebuild`: re-derive every grant and access
// row from the source records, as serve does once after an upgrade.
func accessCommand(app core.App) *cobra.Command {
	access := &cobra.Command{Use: "access", Short: "Rebuild the access rows (who may read what) from memberships, relationships and requirements"}
	access.AddCommand(&cobra.Command{
		Use:          "rebuild",
		Short:        "Re-derive every access row from the source records, in batches, reporting progress",
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			start := time.Now()
			out := c.OutOrStdout()
			err := tenancy.Rebuild(app, func(phase string, done, total int) {
				fmt.Fprintf(out, "%-12s %7d / %d\n", phase, done, total)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "access rows rebuilt in %s (derivation %s)\n", time.Since(start).Round(time.Millisecond), tenancy.DerivationVersion)
			return nil
		},
	})
	return access
}
