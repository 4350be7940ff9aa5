// The bridge's naming: Pulumi type tokens and input names back to the Terraform provider's.
package harness

import (
	"fmt"
	"regexp"
	"strings"
)

var tokenPattern = regexp.MustCompile(`^postgresql:index/([a-z][A-Za-z0-9]*):[A-Z][A-Za-z0-9]*$`)

// TerraformType maps `postgresql:index/grantRole:GrantRole` to `postgresql_grant_role`: pulumi/pulumi-postgresql
// provider/resources.go derives every token with tokens.SingleModule("postgresql_", "index", MakeStandard), so the
// module member is the Terraform name without its prefix, in camelCase. (Its one rename, DefaultPrivileg →
// DefaultPrivileges, keeps the module member `defaultPrivileges`.)
func TerraformType(token string) (string, error) {
	match := tokenPattern.FindStringSubmatch(token)
	if match == nil {
		return "", fmt.Errorf("%s is not a postgresql resource token", token)
	}
	return "postgresql_" + snakeCase(match[1]), nil
}

// pluralised lists the inputs whose Pulumi name is not the camelCase of the Terraform name. The bridge
// pluralises a list or set attribute with a singular name (pulumi-terraform-bridge's TerraformToPulumiNameV2);
// pulumi/pulumi-postgresql provider/resources.go overrides no input name for Node.js (its only field override,
// postgresql_grant_role.grant_role, sets CSharpName). These four are every such input in its
// provider/cmd/pulumi-resource-postgresql/schema.json (v3.18.0 and later) and in the Args interfaces of the npm
// package @pulumi/postgresql 3.18.1, checked against the provider schema at ff936b9.
var pluralised = map[string]map[string]string{
	"postgresql_function":    {"args": "arg"},
	"postgresql_publication": {"publishParams": "publish_param"},
	"postgresql_role":        {"searchPaths": "search_path"},
	"postgresql_schema":      {"policies": "policy"},
}

// TerraformField maps a top-level Pulumi input name of a resource (or of the provider, tfType "provider").
func TerraformField(tfType, name string) string {
	if renamed, ok := pluralised[tfType][name]; ok {
		return renamed
	}
	return snakeCase(name)
}

// snakeCase is the bridge's default rule: camelCase → snake_case.
func snakeCase(name string) string {
	var out strings.Builder
	for index, char := range name {
		if char >= 'A' && char <= 'Z' {
			if index > 0 {
				out.WriteByte('_')
			}
			out.WriteRune(char - 'A' + 'a')
			continue
		}
		out.WriteRune(char)
	}
	return out.String()
}
