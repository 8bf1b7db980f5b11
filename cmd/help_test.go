package cmd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"vigie/internal/testkit"
)

// P3: `vigie --help` says what Vigie is, how to start, and lists each of
// Vigie's own commands with one line saying what it does.
func TestHelpListsVigieCommandsP3(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	root := &cobra.Command{Use: "x"}
	Register(app, root, &cfg)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	for _, want := range []string{"vigie serve", "vigie demo", "second terminal"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	for _, c := range root.Commands() {
		if c.Short == "" || strings.Contains(c.Short, "\n") || !strings.Contains(help, c.Name()) {
			t.Errorf("command %q: short %q", c.Name(), c.Short)
		}
	}
	if len(root.Commands()) < 5 {
		t.Errorf("%d commands registered", len(root.Commands()))
	}
}
