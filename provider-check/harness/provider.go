// Configures the provider as the bridged provider's gRPC server does: validate, then Provider.Configure.
package harness

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

// bridgeDefaults are the provider config defaults pulumi/pulumi-postgresql provider/resources.go adds on top of
// the Terraform schema (`connect_timeout` defaults to 180; `sslmode` reads PGSSLMODE, which the harness sets via
// the target instead).
var bridgeDefaults = map[string]any{"connectTimeout": 180}

// Target is the test server the harness points the provider at, replacing the program's connection inputs.
type Target struct {
	Host     string
	Port     int
	Username string
	// Password is never printed; it comes from the environment.
	Password  string
	Superuser bool
}

// ConfigureProvider applies the captured provider inputs, with the target's connection, to provider.
func ConfigureProvider(ctx context.Context, provider *schema.Provider, inputs map[string]any, target Target) error {
	merged := map[string]any{}
	for name, value := range bridgeDefaults {
		merged[name] = value
	}
	for name, value := range inputs {
		merged[name] = value
	}
	merged["host"] = target.Host
	merged["port"] = target.Port
	merged["username"] = target.Username
	merged["password"] = target.Password
	merged["sslmode"] = "disable"
	merged["superuser"] = target.Superuser
	for _, name := range []string{"version", "pluginDownloadURL"} {
		delete(merged, name) // Pulumi's own provider options, not the Terraform provider's
	}
	config, err := buildConfig("provider", providerSchema(provider), normalise(merged))
	if err != nil {
		return err
	}
	if err := diagnosticsError("provider configuration", provider.Validate(config.Shimmed)); err != nil {
		return err
	}
	return diagnosticsError("configuring the provider", provider.Configure(ctx, config.Shimmed))
}

// normalise gives plain Go numbers the JSON shape buildConfig reads.
func normalise(values map[string]any) map[string]any {
	out := map[string]any{}
	for name, value := range values {
		if number, ok := value.(int); ok {
			out[name] = float64(number)
			continue
		}
		out[name] = value
	}
	return out
}

// diagnosticsError is the provider's own error text when diagnostics hold an error, else nil.
func diagnosticsError(what string, diagnostics diag.Diagnostics) error {
	if !diagnostics.HasError() {
		return nil
	}
	var messages []string
	for _, diagnostic := range diagnostics {
		if diagnostic.Severity != diag.Error {
			continue
		}
		message := diagnostic.Summary
		if diagnostic.Detail != "" {
			message += ": " + diagnostic.Detail
		}
		messages = append(messages, message)
	}
	return fmt.Errorf("%s: %s", what, strings.Join(messages, "; "))
}
