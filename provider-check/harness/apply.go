// Applies captured resources in dependency order with a fixed number of workers, like `pulumi up --parallel N`.
package harness

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/go-cty/cty"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/terraform"
)

// Outcome is what the harness did with one resource; one JSON line each on stdout.
type Outcome struct {
	Phase     string `json:"phase"`
	URN       string `json:"urn"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	Terraform string `json:"terraform,omitempty"`
	// Action: created (the provider's Create ran), sql (the plan's statements ran), skipped, failed,
	// refreshed (Read, then an empty Diff), diff (Read, then a non-empty Diff).
	Action string `json:"action"`
	ID     string `json:"id,omitempty"`
	// Planned lists the attributes the provider's Diff set (defaults and CustomizeDiff included).
	Planned    []string `json:"planned,omitempty"`
	Statements int      `json:"statements,omitempty"`
	// Unknown lists inputs left out: unknown at preview (a generated password), or secret (not in the capture).
	Unknown  []string `json:"unknown,omitempty"`
	Changes  []string `json:"changes,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// Applied is a provider resource the harness created: what a second `up` refreshes and diffs.
type Applied struct {
	Resource  Resource
	Terraform string
	Config    *Config
	State     *terraform.InstanceState
}

// SQLRunner runs one statement in one database (fleetdb's own dynamic resources).
type SQLRunner interface {
	Exec(ctx context.Context, database, statement string) error
}

// Options for Apply.
type Options struct {
	Workers int
	SQL     SQLRunner
	Report  func(Outcome)
}

type result struct {
	index   int
	outcome Outcome
	applied *Applied
}

// Apply creates every resource of the capture; it stops starting new ones after the first failure.
func Apply(ctx context.Context, provider *schema.Provider, capture *Capture, options Options) ([]Applied, error) {
	resources := capture.Resources
	position := map[string]int{}
	for index, resource := range resources {
		position[resource.URN] = index
	}
	waiting := make([]int, len(resources))
	dependents := make([][]int, len(resources))
	for index, resource := range resources {
		for _, urn := range resource.Dependencies {
			if dependency, ok := position[urn]; ok {
				waiting[index]++
				dependents[dependency] = append(dependents[dependency], index)
			}
		}
	}
	jobs := make(chan int)
	results := make(chan result, len(resources))
	workers := max(options.Workers, 1)
	for range workers {
		go func() {
			for index := range jobs {
				results <- applyOne(ctx, provider, resources[index], index, options.SQL)
			}
		}()
	}
	var ready []int
	for index := range resources {
		if waiting[index] == 0 {
			ready = append(ready, index)
		}
	}
	var applied []Applied
	var failures []string
	inFlight, done := 0, 0
	for done < len(resources) {
		for len(ready) > 0 && inFlight < workers && len(failures) == 0 {
			jobs <- ready[0]
			ready = ready[1:]
			inFlight++
		}
		if inFlight == 0 {
			break // a failure stopped the run, or the rest wait on each other
		}
		finished := <-results
		inFlight--
		done++
		options.Report(finished.outcome)
		if finished.outcome.Action == "failed" {
			failures = append(failures, fmt.Sprintf("%s %s: %s", finished.outcome.Type, finished.outcome.Name, finished.outcome.Error))
			continue
		}
		if finished.applied != nil {
			applied = append(applied, *finished.applied)
		}
		for _, dependent := range dependents[finished.index] {
			if waiting[dependent]--; waiting[dependent] == 0 {
				ready = append(ready, dependent)
			}
		}
	}
	close(jobs)
	if len(failures) > 0 {
		return applied, fmt.Errorf("%s", strings.Join(failures, "\n"))
	}
	if done < len(resources) {
		return applied, fmt.Errorf("%d resources depend on each other in a cycle", len(resources)-done)
	}
	return applied, nil
}

func applyOne(ctx context.Context, provider *schema.Provider, resource Resource, index int, runner SQLRunner) result {
	outcome := Outcome{Phase: "apply", URN: resource.URN, Type: resource.Type, Name: resource.Name}
	if resource.Kind != "" {
		return result{index: index, outcome: runStatements(ctx, resource, outcome, runner)}
	}
	applied, err := create(ctx, provider, resource, &outcome)
	switch {
	case err != nil && extensionUnavailable(outcome.Terraform, err):
		outcome.Action, outcome.Reason = "skipped", err.Error()
		return result{index: index, outcome: outcome}
	case err != nil:
		outcome.Action, outcome.Error = "failed", err.Error()
		return result{index: index, outcome: outcome}
	}
	outcome.Action, outcome.ID = "created", applied.State.ID
	return result{index: index, outcome: outcome, applied: applied}
}

// create is the gRPC server's PlanResourceChange then ApplyResourceChange for a new resource:
// Validate, SimpleDiff (schema defaults, CustomizeDiff, ForceNew), then Resource.Apply (Create).
func create(ctx context.Context, provider *schema.Provider, resource Resource, outcome *Outcome) (*Applied, error) {
	tfType, err := TerraformType(resource.Type)
	if err != nil {
		return nil, err
	}
	outcome.Terraform = tfType
	definition, ok := provider.ResourcesMap[tfType]
	if !ok {
		return nil, fmt.Errorf("the provider has no resource %s", tfType)
	}
	target := resourceSchema(definition)
	config, err := buildConfig(tfType, target, resource.Inputs)
	if err != nil {
		return nil, err
	}
	outcome.Unknown = append(config.Unknown, resource.SecretInputs...)
	sortStrings(outcome.Unknown)
	validation := provider.ValidateResource(tfType, config.Shimmed)
	outcome.Warnings = append(outcome.Warnings, warnings(validation)...)
	if err := diagnosticsError("validate", validation); err != nil {
		return nil, err
	}
	null := cty.NullVal(target.block.ImpliedType())
	prior, err := definition.ShimInstanceStateFromValue(null)
	if err != nil {
		return nil, err
	}
	prior.RawState, prior.RawPlan, prior.RawConfig = null, config.Value, config.Value
	diff, err := definition.SimpleDiff(ctx, prior, config.Shimmed, provider.Meta())
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	if diff == nil {
		diff = terraform.NewInstanceDiff()
	}
	for name, attribute := range diff.Attributes {
		outcome.Planned = append(outcome.Planned, name)
		attribute.RequiresNew = false // as ApplyResourceChange does: a create replaces nothing
	}
	sortStrings(outcome.Planned)
	diff.RawState, diff.RawPlan, diff.RawConfig = null, config.Value, config.Value
	state, diagnostics := definition.Apply(ctx, prior, diff, provider.Meta())
	outcome.Warnings = append(outcome.Warnings, warnings(diagnostics)...)
	if err := diagnosticsError("apply", diagnostics); err != nil {
		return nil, err
	}
	if state == nil || state.ID == "" {
		return nil, fmt.Errorf("apply returned no resource id")
	}
	return &Applied{Resource: resource, Terraform: tfType, Config: config, State: state}, nil
}

// extensionUnavailable: CREATE EXTENSION of an extension the server does not ship (timescaledb on plain
// PostgreSQL). The SQL plan prints a NOTICE there; the harness records the provider's error as the reason.
func extensionUnavailable(tfType string, err error) bool {
	return tfType == "postgresql_extension" && strings.Contains(err.Error(), "is not available")
}

func runStatements(ctx context.Context, resource Resource, outcome Outcome, runner SQLRunner) Outcome {
	outcome.Terraform = "fleetdb:" + resource.Kind
	if resource.Skip != "" {
		outcome.Action, outcome.Reason = "skipped", resource.Skip
		return outcome
	}
	for _, statement := range resource.Statements {
		if err := runner.Exec(ctx, statement.Database, statement.SQL); err != nil {
			outcome.Action, outcome.Error = "failed", err.Error()
			return outcome
		}
		outcome.Statements++
	}
	outcome.Action = "sql"
	return outcome
}
