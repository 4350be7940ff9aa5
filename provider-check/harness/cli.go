// The provider-check command line: flags, the run, JSON lines on stdout, a summary on stderr, exit codes.
package harness

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

// Exit codes, as every fleetdb tool uses them.
const (
	ExitClean       = 0
	ExitCheckFailed = 1
	ExitBadInput    = 2
	ExitUnreachable = 3
)

// Main runs the check with a fresh provider from newProvider; the password comes from PGPASSWORD.
func Main(args []string, newProvider func() *schema.Provider, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("provider-check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	resources := flags.String("resources", "", "the JSON file `npm run resources` wrote (required)")
	host := flags.String("host", "127.0.0.1", "the test server's host")
	port := flags.Int("port", 5432, "the test server's port")
	user := flags.String("user", "postgres", "the admin the provider connects as (password: PGPASSWORD)")
	superuser := flags.Bool("superuser", true, "the provider's `superuser` setting (false: an admin with CREATEROLE and CREATEDB only)")
	workers := flags.Int("workers", 2, "resources applied at once, like `pulumi up --parallel`")
	refresh := flags.Bool("refresh", true, "after applying, Read every resource and require an empty Diff (a second `up`)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: provider-check -resources FILE [-host H] [-port P] [-user U] [-superuser=false] [-workers N]")
		fmt.Fprintln(stderr, "Applies the captured resources through terraform-provider-postgresql's own code (Diff, then Apply),")
		fmt.Fprintln(stderr, "then refreshes them. Exit codes: 0 clean, 1 a resource failed or a refresh diff, 2 bad input, 3 server unreachable.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return ExitBadInput
	}
	if *resources == "" {
		fmt.Fprintln(stderr, "provider-check: -resources is required")
		return ExitBadInput
	}
	capture, err := ReadCapture(*resources)
	if err != nil {
		fmt.Fprintf(stderr, "provider-check: %v\n", err)
		return ExitBadInput
	}
	target := Target{Host: *host, Port: *port, Username: *user, Password: os.Getenv("PGPASSWORD"), Superuser: *superuser}
	ctx := context.Background()
	provider := newProvider()
	if err := ConfigureProvider(ctx, provider, capture.Provider, target); err != nil {
		fmt.Fprintf(stderr, "provider-check: %v\n", err)
		return ExitBadInput
	}
	runner := &PostgresRunner{Target: target}
	defer runner.Close()
	report := reporter(stdout, stderr)
	applied, err := Apply(ctx, provider, capture, Options{Workers: *workers, SQL: runner, Report: report})
	if err != nil {
		fmt.Fprintf(stderr, "provider-check: stack %s: apply failed:\n%s\n", capture.Stack, err)
		if strings.Contains(err.Error(), "error connecting to PostgreSQL server") {
			return ExitUnreachable
		}
		return ExitCheckFailed
	}
	fmt.Fprintf(stderr, "provider-check: stack %s: applied %d resources (%d through the provider)\n", capture.Stack, len(capture.Resources), len(applied))
	if !*refresh {
		return ExitClean
	}
	diffs, err := Refresh(ctx, provider, applied, report)
	if err != nil {
		fmt.Fprintf(stderr, "provider-check: refresh failed: %v\n", err)
		return ExitCheckFailed
	}
	if diffs > 0 {
		fmt.Fprintf(stderr, "provider-check: %d resources differ from their configuration after a refresh (perpetual diffs)\n", diffs)
		return ExitCheckFailed
	}
	fmt.Fprintf(stderr, "provider-check: refreshed %d resources: no diff\n", len(applied))
	return ExitClean
}

// reporter writes each outcome as a JSON line on stdout and a readable line on stderr.
func reporter(stdout, stderr io.Writer) func(Outcome) {
	var mutex sync.Mutex
	encoder := json.NewEncoder(stdout)
	return func(outcome Outcome) {
		mutex.Lock()
		defer mutex.Unlock()
		_ = encoder.Encode(outcome)
		line := fmt.Sprintf("%s: %s %s %s", outcome.Phase, outcome.Terraform, outcome.Name, outcome.Action)
		switch {
		case outcome.Error != "":
			line += ": " + outcome.Error
		case outcome.Reason != "":
			line += ": " + outcome.Reason
		case len(outcome.Changes) > 0:
			line += ": " + strings.Join(outcome.Changes, "; ")
		}
		fmt.Fprintln(stderr, line)
	}
}
