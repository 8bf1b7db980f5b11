package cmd

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"vigie/hooks/reminders"
	"vigie/internal/config"
)

// housekeepingCommand is `vigie housekeeping run` (R4): the clean-up now,
// and stored files left without a record, which a crash between a file's
// upload and its record's commit can leave. Run with the server stopped, or
// keep --orphans-older-than above the longest upload.
func housekeepingCommand(app core.App, cfg *config.Config) *cobra.Command {
	var orphanAge time.Duration
	run := &cobra.Command{
		Use:          "run",
		Short:        "Clean up now: expired locks, grants, links, challenges, statuses and orphan files",
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			en := &reminders.Engine{App: app, Cfg: cfg}
			now := time.Now()
			h, err := en.Housekeep(now)
			if err != nil {
				return err
			}
			orphans, err := reminders.DeleteOrphanFiles(app, now.Add(-orphanAge))
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "locks %d, support grants %d, share links %d, challenges %d, statuses %d, orphan files %d\n",
				h.Locks, h.SupportGrants, h.ShareLinks, h.Challenges, h.Statuses, orphans)
			return nil
		},
	}
	run.Flags().DurationVar(&orphanAge, "orphans-older-than", reminders.OrphanAge, "remove stored files without a record written before this long ago")
	root := &cobra.Command{Use: "housekeeping", Short: "Clean up expired locks, links, challenges and orphan files; refresh statuses (R4)"}
	root.AddCommand(run)
	return root
}
