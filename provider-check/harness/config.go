// Pulumi inputs → the provider's configuration value, shaped and typed by the provider's own schema.
package harness

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/hashicorp/go-cty/cty"
	ctyjson "github.com/hashicorp/go-cty/cty/json"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/terraform"
)

// Config is a resource's (or the provider's) configuration as the plugin SDK receives it over gRPC.
type Config struct {
	Value cty.Value
	// Shimmed is the legacy form the SDK builds from Value (terraform.NewResourceConfigShimmed).
	Shimmed *terraform.ResourceConfig
	// Unknown lists inputs left out because they were unknown at preview (generated passwords).
	Unknown []string
}

// buildConfig turns Pulumi inputs into configuration for a block with the given attributes.
func buildConfig(tfType string, target schemaBlock, inputs map[string]any) (*Config, error) {
	attributes, block := target.attributes, target.block
	raw := map[string]any{}
	var unknown []string
	for _, name := range sortedKeys(inputs) {
		if len(name) >= 2 && name[:2] == "__" {
			continue // the engine's bookkeeping (__defaults), not an input
		}
		tfName := TerraformField(tfType, name)
		attribute, ok := attributes[tfName]
		if !ok {
			return nil, fmt.Errorf("%s has no attribute %q (Pulumi input %q)", tfType, tfName, name)
		}
		if containsUnknown(inputs[name]) {
			unknown = append(unknown, name)
			continue
		}
		value, err := convert(attribute, inputs[name], tfName)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tfType, err)
		}
		raw[tfName] = value
	}
	text, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	value, err := ctyjson.Unmarshal(text, block.ImpliedType())
	if err != nil {
		return nil, fmt.Errorf("%s: configuration does not fit the schema: %w", tfType, err)
	}
	if value, err = block.CoerceValue(value); err != nil {
		return nil, fmt.Errorf("%s: configuration does not fit the schema: %w", tfType, err)
	}
	return &Config{Value: value, Shimmed: target.shim(value), Unknown: unknown}, nil
}

// convert types one value as the attribute's schema says; Pulumi sends provider inputs as strings.
func convert(attribute *schema.Schema, value any, path string) (any, error) {
	switch attribute.Type {
	case schema.TypeString:
		switch typed := value.(type) {
		case string:
			return typed, nil
		case float64, bool:
			return fmt.Sprint(typed), nil
		}
	case schema.TypeBool:
		switch typed := value.(type) {
		case bool:
			return typed, nil
		case string:
			if parsed, err := strconv.ParseBool(typed); err == nil {
				return parsed, nil
			}
		}
	case schema.TypeInt, schema.TypeFloat:
		switch typed := value.(type) {
		case float64:
			return typed, nil
		case string:
			if parsed, err := strconv.ParseFloat(typed, 64); err == nil {
				return parsed, nil
			}
		}
	case schema.TypeList, schema.TypeSet:
		items, ok := value.([]any)
		if !ok {
			break
		}
		out := make([]any, 0, len(items))
		for index, item := range items {
			converted, err := convertElement(attribute.Elem, item, fmt.Sprintf("%s[%d]", path, index))
			if err != nil {
				return nil, err
			}
			out = append(out, converted)
		}
		return out, nil
	case schema.TypeMap:
		entries, ok := value.(map[string]any)
		if !ok {
			break
		}
		out := map[string]any{}
		for key, item := range entries {
			converted, err := convertElement(attribute.Elem, item, path+"."+key)
			if err != nil {
				return nil, err
			}
			out[key] = converted
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: %v (%T) does not fit a %s", path, value, value, attribute.Type)
}

func convertElement(elem any, item any, path string) (any, error) {
	switch typed := elem.(type) {
	case *schema.Schema:
		return convert(typed, item, path)
	case *schema.Resource:
		fields, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: expected an object, got %T", path, item)
		}
		out := map[string]any{}
		for name, value := range fields {
			nested, ok := typed.Schema[snakeCase(name)]
			if !ok {
				return nil, fmt.Errorf("%s has no attribute %q", path, snakeCase(name))
			}
			converted, err := convert(nested, value, path+"."+snakeCase(name))
			if err != nil {
				return nil, err
			}
			out[snakeCase(name)] = converted
		}
		return out, nil
	case nil:
		return convert(&schema.Schema{Type: schema.TypeString}, item, path)
	}
	return nil, fmt.Errorf("%s: unsupported element schema %T", path, elem)
}

func containsUnknown(value any) bool {
	switch typed := value.(type) {
	case string:
		return typed == Unknown
	case []any:
		for _, item := range typed {
			if containsUnknown(item) {
				return true
			}
		}
	case map[string]any:
		for _, item := range typed {
			if containsUnknown(item) {
				return true
			}
		}
	}
	return false
}

func sortedKeys[V any](entries map[string]V) []string {
	keys := make([]string, 0, len(entries))
	for key := range entries {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}
