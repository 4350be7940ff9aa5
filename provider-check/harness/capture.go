// Package harness applies the resources a Pulumi program registers through a Terraform plugin SDK provider,
// the way the bridged provider's gRPC server does, then refreshes them and reports any diff.
package harness

import (
	"encoding/json"
	"fmt"
	"os"
)

// Unknown is the sentinel fleetdb's mock runtime writes for a value unknown at preview (a generated password).
const Unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// Capture is what `npm run resources` writes: the provider's inputs and every resource it manages.
type Capture struct {
	Stack string `json:"stack"`
	// Provider holds the explicit postgresql provider's inputs, in Pulumi's (camelCase) names.
	Provider  map[string]any `json:"provider"`
	Resources []Resource     `json:"resources"`
}

// Resource is one registered resource: a postgresql one, or one of fleetdb's dynamic resources.
type Resource struct {
	URN          string         `json:"urn"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	Inputs       map[string]any `json:"inputs"`
	Dependencies []string       `json:"dependencies"`
	// SecretInputs names inputs the capture left out because they held a secret.
	SecretInputs []string `json:"secretInputs,omitempty"`
	// Kind names a fleetdb dynamic resource (role-setting, superuser-password); empty for provider resources.
	Kind string `json:"kind,omitempty"`
	// Statements are the SQL plan's statements for a dynamic resource, run as the plan runs them.
	Statements []Statement `json:"statements,omitempty"`
	// Skip says why the SQL plan runs nothing for this dynamic resource.
	Skip string `json:"skip,omitempty"`
}

// Statement is one SQL statement and the database it runs in.
type Statement struct {
	Database string `json:"database"`
	SQL      string `json:"sql"`
}

// ReadCapture loads and checks a capture file.
func ReadCapture(path string) (*Capture, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var capture Capture
	if err := json.Unmarshal(text, &capture); err != nil {
		return nil, fmt.Errorf("%s: not a resource capture: %w", path, err)
	}
	seen := map[string]bool{}
	for _, resource := range capture.Resources {
		if resource.URN == "" || resource.Type == "" {
			return nil, fmt.Errorf("%s: a resource without urn or type", path)
		}
		if seen[resource.URN] {
			return nil, fmt.Errorf("%s: resource %s appears twice", path, resource.URN)
		}
		seen[resource.URN] = true
	}
	return &capture, nil
}
