package cmd

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"vigie/hooks/network"
	"vigie/internal/config"
	"vigie/internal/sirene"
)

// directoryCommand is `vigie directory import FILE [--legal-units FILE]` (N1).
func directoryCommand(app core.App, cfg *config.Config) *cobra.Command {
	dir := &cobra.Command{Use: "directory", Short: "Import the establishment directory (SIRENE) and watch the registry"}
	var legalUnits string
	imp := &cobra.Command{
		Use:          "import FILE",
		Short:        "Load INSEE's StockEtablissement file (CSV or zip); re-running updates",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			return importDirectory(app, cfg, args[0], legalUnits, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	imp.Flags().StringVar(&legalUnits, "legal-units", "", "StockUniteLegale file (CSV or zip) giving company names")
	dir.AddCommand(imp)
	return dir
}

func importDirectory(app core.App, cfg *config.Config, path, legalUnitsPath string, out, errOut io.Writer) error {
	started := time.Now()
	names, err := loadNames(legalUnitsPath, errOut)
	if err != nil {
		return err
	}
	file, size, err := sirene.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	counted := &countingReader{r: file}
	r, err := sirene.NewEstablishmentReader(counted)
	if err != nil {
		return err
	}
	r.Names = names
	bar := newProgress(out, size)
	reported := 0
	stats, err := network.ImportDirectory(app, r, func(e *sirene.RowError) {
		if reported < 100 {
			fmt.Fprintf(errOut, "skipped %v\n", e)
		}
		reported++
	}, func(s network.ImportStats) { bar.show(counted.n.Load(), s.Written) })
	bar.done()
	if err != nil {
		return err
	}
	elapsed := time.Since(started)
	fmt.Fprintf(out, "%d establishments written, %d malformed lines skipped, in %s (%.0f rows/s)\n",
		stats.Written, stats.Skipped, elapsed.Round(time.Millisecond), float64(stats.Written)/elapsed.Seconds())
	// V9: the portal's establishments follow the registry; customers under
	// contract with one that closed are told.
	changes, err := network.WatchRegistry(app, cfg, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registry watch: %d establishments of the portal closed (%d people informed), %d reopened\n",
		changes.Closed, changes.Informed, changes.Reopened)
	return nil
}

func loadNames(path string, errOut io.Writer) (map[string]string, error) {
	if path == "" {
		return nil, nil
	}
	f, _, err := sirene.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return sirene.ReadLegalUnitNames(f, func(e error) { fmt.Fprintf(errOut, "skipped legal unit %v\n", e) })
}

// countingReader counts the bytes read, for the progress bar. Atomic: the
// import reads the file on its own goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// progress draws a one-line bar on a terminal and nothing elsewhere (logs
// and pipes get the final summary only).
type progress struct {
	out   io.Writer
	total int64
	tty   bool
}

func newProgress(out io.Writer, total int64) *progress {
	f, ok := out.(*os.File)
	return &progress{out: out, total: total, tty: ok && isatty.IsTerminal(f.Fd())}
}

func (p *progress) show(read int64, rows int) {
	if !p.tty || p.total <= 0 {
		return
	}
	const width = 30
	done := int(float64(width) * float64(read) / float64(p.total))
	done = min(max(done, 0), width)
	fmt.Fprintf(p.out, "\r[%-*s] %3d%%  %d rows", width, strings.Repeat("=", done), 100*read/p.total, rows)
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.out)
	}
}
