package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"vigie/hooks/reminders"
	"vigie/internal/config"
)

// remindersCommand is `vigie reminders run [--dry-run]` (R5): one reminder
// run now, printing each email; with --dry-run nothing is sent or recorded.
func remindersCommand(app core.App, cfg *config.Config) *cobra.Command {
	root := &cobra.Command{Use: "reminders", Short: "Send or preview the document reminders and the weekly digest (R1–R5)"}
	var dryRun, digest bool
	run := &cobra.Command{
		Use:          "run",
		Short:        "Run the reminders now and print what is (or, with --dry-run, would be) sent",
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			en := &reminders.Engine{App: app, Cfg: cfg}
			report, err := en.Run(time.Now(), dryRun)
			if err != nil {
				return err
			}
			printReport(c.OutOrStdout(), "reminders", report, dryRun)
			if digest {
				if report, err = en.Digest(time.Now(), dryRun); err != nil {
					return err
				}
				printReport(c.OutOrStdout(), "weekly digest", report, dryRun)
			}
			return nil
		},
	}
	run.Flags().BoolVar(&dryRun, "dry-run", false, "print what would be sent; send and record nothing")
	run.Flags().BoolVar(&digest, "digest", false, "also run this week's customer digest")
	root.AddCommand(run)
	return root
}

func printReport(w io.Writer, what string, r *reminders.Report, dryRun bool) {
	verb := "sent"
	if dryRun {
		verb = "would send"
	}
	fmt.Fprintf(w, "%s on %s: %d item(s) due, %s %d email(s)\n", what, r.Today, len(r.Items), verb, len(r.Emails))
	for _, e := range r.Emails {
		fmt.Fprintf(w, "\nTo: %s\nSubject: %s\n\n%s\n", e.To, e.Subject, e.Body)
	}
}
