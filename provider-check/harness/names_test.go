package harness

import "testing"

func TestTerraformType(t *testing.T) {
	cases := map[string]string{
		"postgresql:index/role:Role":                           "postgresql_role",
		"postgresql:index/grantRole:GrantRole":                 "postgresql_grant_role",
		"postgresql:index/defaultPrivileges:DefaultPrivileges": "postgresql_default_privileges",
		"postgresql:index/database:Database":                   "postgresql_database",
		"postgresql:index/extension:Extension":                 "postgresql_extension",
		"postgresql:index/schema:Schema":                       "postgresql_schema",
		"postgresql:index/grant:Grant":                         "postgresql_grant",
	}
	for token, want := range cases {
		if got, err := TerraformType(token); err != nil || got != want {
			t.Errorf("TerraformType(%q) = %q, %v; want %q", token, got, err, want)
		}
	}
	for _, token := range []string{"pulumi-nodejs:dynamic:Resource", "random:index/randomPassword:RandomPassword", "postgresql:index:Role"} {
		if _, err := TerraformType(token); err == nil || err.Error() != token+" is not a postgresql resource token" {
			t.Errorf("TerraformType(%q) error = %v", token, err)
		}
	}
}

func TestTerraformField(t *testing.T) {
	cases := []struct{ tfType, name, want string }{
		{"postgresql_role", "connectionLimit", "connection_limit"},
		{"postgresql_role", "bypassRowLevelSecurity", "bypass_row_level_security"},
		{"postgresql_role", "idleInTransactionSessionTimeout", "idle_in_transaction_session_timeout"},
		{"postgresql_role", "searchPaths", "search_path"},
		{"postgresql_role", "roles", "roles"},
		{"postgresql_schema", "policies", "policy"},
		{"postgresql_function", "args", "arg"},
		{"postgresql_publication", "publishParams", "publish_param"},
		{"postgresql_grant", "objectType", "object_type"},
		{"postgresql_grant_role", "grantRole", "grant_role"},
		{"postgresql_grant_role", "withAdminOption", "with_admin_option"},
		{"provider", "maxConnections", "max_connections"},
		{"provider", "expectedVersion", "expected_version"},
	}
	for _, c := range cases {
		if got := TerraformField(c.tfType, c.name); got != c.want {
			t.Errorf("TerraformField(%q, %q) = %q; want %q", c.tfType, c.name, got, c.want)
		}
	}
}
