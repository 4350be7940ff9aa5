// provider-check: applies fleetdb's captured resources through terraform-provider-postgresql's own code.
package main

import (
	"os"

	"fleetdb/provider-check/harness"
	"github.com/terraform-providers/terraform-provider-postgresql/postgresql"
)

func main() {
	os.Exit(harness.Main(os.Args[1:], postgresql.Provider, os.Stdout, os.Stderr))
}
