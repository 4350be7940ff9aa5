package harness

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

func writeCapture(t *testing.T, capture Capture) string {
	t.Helper()
	text, err := json.Marshal(capture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "resources.json")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	server := &fakeServer{rows: map[string]map[string]any{}}
	code := Main(args, func() *schema.Provider { return newFakeProvider(server) }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestMainExitCodes(t *testing.T) {
	clean := writeCapture(t, Capture{Stack: "s", Provider: map[string]any{"host": "h"}, Resources: []Resource{widget("a"), widget("b", "urn:a")}})
	drift := writeCapture(t, Capture{Stack: "s", Provider: map[string]any{"host": "h"}, Resources: []Resource{widget("drifty")}})
	twice := writeCapture(t, Capture{Stack: "s", Resources: []Resource{widget("a"), widget("a")}})
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no file", nil, ExitBadInput, "provider-check: -resources is required\n"},
		{"duplicate urn", []string{"-resources", twice}, ExitBadInput, "provider-check: " + twice + ": resource urn:a appears twice\n"},
		{"clean", []string{"-resources", clean, "-superuser=false"}, ExitClean, "provider-check: refreshed 2 resources: no diff\n"},
		{"drift", []string{"-resources", drift}, ExitCheckFailed, "provider-check: 1 resources differ from their configuration after a refresh (perpetual diffs)\n"},
	}
	for _, c := range cases {
		code, stdout, stderr := runMain(t, c.args...)
		if code != c.code || !strings.HasSuffix(stderr, c.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d ending %q", c.name, code, stderr, c.code, c.stderr)
		}
		if c.name == "clean" && strings.Count(stdout, "\n") != 4 {
			t.Errorf("clean: want one JSON line per apply and refresh, got %q", stdout)
		}
	}
}
