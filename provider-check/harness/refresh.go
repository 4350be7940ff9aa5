// What a second `pulumi up --refresh` does: Read every resource, then Diff it against its configuration.
package harness

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

// Refresh reports each resource's refresh; a non-empty diff is a perpetual diff in how it is declared.
func Refresh(ctx context.Context, provider *schema.Provider, applied []Applied, report func(Outcome)) (diffs int, err error) {
	for _, item := range applied {
		outcome := Outcome{Phase: "refresh", URN: item.Resource.URN, Type: item.Resource.Type, Name: item.Resource.Name, Terraform: item.Terraform, ID: item.State.ID}
		changes, refreshErr := refreshOne(ctx, provider, item, &outcome)
		switch {
		case refreshErr != nil:
			outcome.Action, outcome.Error = "failed", refreshErr.Error()
			err = fmt.Errorf("%s %s: %w", item.Resource.Type, item.Resource.Name, refreshErr)
		case len(changes) > 0:
			outcome.Action, outcome.Changes = "diff", changes
			diffs++
		default:
			outcome.Action = "refreshed"
		}
		report(outcome)
		if err != nil {
			return diffs, err
		}
	}
	return diffs, nil
}

func refreshOne(ctx context.Context, provider *schema.Provider, item Applied, outcome *Outcome) ([]string, error) {
	definition := provider.ResourcesMap[item.Terraform]
	state, diagnostics := definition.RefreshWithoutUpgrade(ctx, item.State, provider.Meta())
	outcome.Warnings = append(outcome.Warnings, warnings(diagnostics)...)
	if err := diagnosticsError("read", diagnostics); err != nil {
		return nil, err
	}
	if state == nil || state.ID == "" {
		return nil, fmt.Errorf("read found no resource with id %s", item.State.ID)
	}
	state.RawConfig, state.RawPlan = item.Config.Value, item.Config.Value
	diff, err := definition.SimpleDiff(ctx, state, item.Config.Shimmed, provider.Meta())
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	if diff == nil {
		return nil, nil
	}
	attributes := definition.SchemaMap()
	var changes []string
	for name, attribute := range diff.Attributes {
		old, new := attribute.Old, attribute.New
		if sensitive(attributes, name) {
			old, new = "(sensitive)", "(sensitive)"
		}
		change := fmt.Sprintf("%s: %q → %q", name, old, new)
		if attribute.NewComputed {
			change += " (computed)"
		}
		if attribute.RequiresNew {
			change += " (forces replacement)"
		}
		changes = append(changes, change)
	}
	sortStrings(changes)
	return changes, nil
}

// sensitive: a flatmap key (`password`, `policy.1234.role`) whose top-level attribute is Sensitive.
func sensitive(attributes map[string]*schema.Schema, key string) bool {
	for index, char := range key {
		if char == '.' {
			key = key[:index]
			break
		}
	}
	attribute, ok := attributes[key]
	return ok && attribute.Sensitive
}

func warnings(diagnostics diag.Diagnostics) []string {
	var out []string
	for _, diagnostic := range diagnostics {
		if diagnostic.Severity == diag.Warning {
			out = append(out, diagnostic.Summary)
		}
	}
	return out
}

func sortStrings(values []string) { sort.Strings(values) }
