// The SDK's core schema blocks (an internal type, used here only through inference) and their legacy shim.
package harness

import (
	"github.com/hashicorp/go-cty/cty"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-plugin-sdk/v2/terraform"
)

// coreBlock is what the harness uses of the SDK's *configschema.Block.
type coreBlock interface {
	ImpliedType() cty.Type
	CoerceValue(cty.Value) (cty.Value, error)
}

// schemaBlock pairs a block with terraform.NewResourceConfigShimmed over it, as the SDK's gRPC server builds
// the legacy configuration its Diff and Configure read.
type schemaBlock struct {
	attributes map[string]*schema.Schema
	block      coreBlock
	shim       func(cty.Value) *terraform.ResourceConfig
}

func resourceSchema(resource *schema.Resource) schemaBlock {
	block := resource.CoreConfigSchema()
	return schemaBlock{resource.SchemaMap(), block, func(value cty.Value) *terraform.ResourceConfig {
		return terraform.NewResourceConfigShimmed(value, block)
	}}
}

func providerSchema(provider *schema.Provider) schemaBlock {
	block := schema.InternalMap(provider.Schema).CoreConfigSchema()
	return schemaBlock{provider.Schema, block, func(value cty.Value) *terraform.ResourceConfig {
		return terraform.NewResourceConfigShimmed(value, block)
	}}
}
