package harness

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
)

// fakeServer stands in for PostgreSQL: what Create stored, what Read returns, how many Creates overlap.
type fakeServer struct {
	mutex      sync.Mutex
	rows       map[string]map[string]any
	order      []string
	inFlight   int
	peak       int
	gate       chan struct{} // when set, Creates wait here until two are in flight
	configured map[string]any
}

func newFakeProvider(server *fakeServer) *schema.Provider {
	widget := &schema.Resource{
		Schema: map[string]*schema.Schema{
			"name":  {Type: schema.TypeString, Required: true, ForceNew: true},
			"size":  {Type: schema.TypeInt, Optional: true, Default: 3},
			"label": {Type: schema.TypeString, Computed: true},
			"tags":  {Type: schema.TypeSet, Optional: true, Elem: &schema.Schema{Type: schema.TypeString}},
			"token": {Type: schema.TypeString, Optional: true, Sensitive: true},
			"kind":  {Type: schema.TypeString, Optional: true, ForceNew: true},
		},
		CustomizeDiff: func(_ context.Context, diff *schema.ResourceDiff, _ any) error {
			return diff.SetNew("label", "label-"+diff.Get("name").(string))
		},
		CreateContext: func(_ context.Context, data *schema.ResourceData, _ any) diag.Diagnostics {
			name := data.Get("name").(string)
			server.enter()
			defer server.leave(name)
			if name == "boom" {
				return diag.Errorf("widget %s: pq: permission denied to create role", name)
			}
			server.store(name, map[string]any{"size": data.Get("size"), "label": data.Get("label"), "kind": data.Get("kind")})
			data.SetId(name)
			return nil
		},
		ReadContext: func(_ context.Context, data *schema.ResourceData, _ any) diag.Diagnostics {
			row := server.row(data.Id())
			size := row["size"].(int)
			if data.Id() == "drifty" {
				size++ // the server normalises the value: a perpetual diff
			}
			_ = data.Set("size", size)
			_ = data.Set("label", row["label"])
			_ = data.Set("kind", strings.ToUpper(row["kind"].(string))) // the server folds case: a replacement every time
			if data.Id() == "leaky" {
				_ = data.Set("token", "") // a secret the server cannot give back
			}
			return nil
		},
		DeleteContext: func(context.Context, *schema.ResourceData, any) diag.Diagnostics { return nil },
	}
	extension := &schema.Resource{
		Schema: map[string]*schema.Schema{"name": {Type: schema.TypeString, Required: true, ForceNew: true}},
		CreateContext: func(_ context.Context, data *schema.ResourceData, _ any) diag.Diagnostics {
			return diag.FromErr(fmt.Errorf("error creating extension: pq: extension %q is not available", data.Get("name")))
		},
		ReadContext:   func(context.Context, *schema.ResourceData, any) diag.Diagnostics { return nil },
		DeleteContext: func(context.Context, *schema.ResourceData, any) diag.Diagnostics { return nil },
	}
	return &schema.Provider{
		Schema: map[string]*schema.Schema{
			"host":            {Type: schema.TypeString, Required: true},
			"port":            {Type: schema.TypeInt, Optional: true, Default: 5432},
			"username":        {Type: schema.TypeString, Optional: true},
			"password":        {Type: schema.TypeString, Optional: true, Sensitive: true},
			"sslmode":         {Type: schema.TypeString, Optional: true},
			"superuser":       {Type: schema.TypeBool, Optional: true, Default: true},
			"max_connections": {Type: schema.TypeInt, Optional: true, Default: 20},
			"connect_timeout": {Type: schema.TypeInt, Optional: true},
		},
		ResourcesMap: map[string]*schema.Resource{"postgresql_widget": widget, "postgresql_extension": extension},
		ConfigureContextFunc: func(_ context.Context, data *schema.ResourceData) (any, diag.Diagnostics) {
			server.configured = map[string]any{}
			for _, key := range []string{"host", "port", "superuser", "max_connections", "connect_timeout", "sslmode"} {
				server.configured[key] = data.Get(key)
			}
			return server, nil
		},
	}
}

func (server *fakeServer) enter() {
	server.mutex.Lock()
	server.inFlight++
	server.peak = max(server.peak, server.inFlight)
	gate := server.gate
	if gate != nil && server.inFlight == 2 {
		close(gate)
		server.gate = nil
	}
	server.mutex.Unlock()
	if gate != nil {
		<-gate
	}
}

func (server *fakeServer) leave(name string) {
	server.mutex.Lock()
	defer server.mutex.Unlock()
	server.inFlight--
	server.order = append(server.order, name)
}

func (server *fakeServer) store(name string, row map[string]any) {
	server.mutex.Lock()
	defer server.mutex.Unlock()
	server.rows[name] = row
}

func (server *fakeServer) row(name string) map[string]any {
	server.mutex.Lock()
	defer server.mutex.Unlock()
	return server.rows[name]
}

type recordingRunner struct{ statements []string }

func (runner *recordingRunner) Exec(_ context.Context, database, statement string) error {
	if strings.Contains(statement, "fail") {
		return errors.New(`pq: role "ghost" does not exist`)
	}
	runner.statements = append(runner.statements, database+": "+statement)
	return nil
}

func widget(name string, dependencies ...string) Resource {
	return Resource{URN: "urn:" + name, Type: "postgresql:index/widget:Widget", Name: name, Inputs: map[string]any{"name": name}, Dependencies: dependencies}
}

func setUp(t *testing.T, provider map[string]any) (*fakeServer, *schema.Provider) {
	t.Helper()
	server := &fakeServer{rows: map[string]map[string]any{}}
	fake := newFakeProvider(server)
	target := Target{Host: "127.0.0.1", Port: 6543, Username: "admin", Password: "secret", Superuser: false}
	if err := ConfigureProvider(context.Background(), fake, provider, target); err != nil {
		t.Fatal(err)
	}
	return server, fake
}

func run(t *testing.T, fake *schema.Provider, resources []Resource, runner SQLRunner) ([]Applied, []Outcome, error) {
	t.Helper()
	var outcomes []Outcome
	applied, err := Apply(context.Background(), fake, &Capture{Resources: resources}, Options{Workers: 2, SQL: runner, Report: func(outcome Outcome) {
		outcomes = append(outcomes, outcome)
	}})
	return applied, outcomes, err
}

func TestConfigureProviderUsesTheTargetAndTypesPulumiStrings(t *testing.T) {
	server, _ := setUp(t, map[string]any{"host": "db.internal", "port": "5433", "maxConnections": "2", "superuser": "true", "version": "3.18.1"})
	want := map[string]any{"host": "127.0.0.1", "port": 6543, "superuser": false, "max_connections": 2, "connect_timeout": 180, "sslmode": "disable"}
	if !reflect.DeepEqual(server.configured, want) {
		t.Errorf("configured %v; want %v", server.configured, want)
	}
}

func TestApplyRunsDefaultsAndCustomizeDiffInDependencyOrderOnTwoWorkers(t *testing.T) {
	server, fake := setUp(t, map[string]any{"host": "x"})
	server.gate = make(chan struct{})
	resources := []Resource{widget("a"), widget("b"), widget("c", "urn:a", "urn:b"), widget("d", "urn:c")}
	resources[1].Inputs["token"] = Unknown
	resources[1].SecretInputs = []string{"secret"}
	applied, outcomes, err := run(t, fake, resources, nil)
	if err != nil {
		t.Fatal(err)
	}
	if server.peak != 2 {
		t.Errorf("peak concurrent creates = %d; want 2", server.peak)
	}
	if got := strings.Join(server.order[2:], ","); got != "c,d" {
		t.Errorf("c and d created after a and b, in order; got %v", server.order)
	}
	if len(applied) != 4 || applied[0].State.Attributes["size"] != "3" || applied[0].State.Attributes["label"] != "label-"+applied[0].State.ID {
		t.Errorf("default size 3 and CustomizeDiff's label expected in state; got %v", applied[0].State.Attributes)
	}
	for _, outcome := range outcomes {
		if outcome.Action != "created" || outcome.Terraform != "postgresql_widget" || !reflect.DeepEqual(outcome.Planned, []string{"label", "name", "size"}) {
			t.Errorf("outcome %+v", outcome)
		}
		if outcome.Name == "b" && !reflect.DeepEqual(outcome.Unknown, []string{"secret", "token"}) {
			t.Errorf("b's unknown token should be reported, got %v", outcome.Unknown)
		}
	}
}

func TestApplyStopsWithTheProvidersOwnError(t *testing.T) {
	server, fake := setUp(t, map[string]any{"host": "x"})
	_, outcomes, err := run(t, fake, []Resource{widget("boom"), widget("after", "urn:boom")}, nil)
	want := "postgresql:index/widget:Widget boom: apply: widget boom: pq: permission denied to create role"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v; want %q", err, want)
	}
	if len(outcomes) != 1 || outcomes[0].Action != "failed" || len(server.order) != 1 {
		t.Errorf("the dependent must not run: outcomes %+v, creates %v", outcomes, server.order)
	}
}

func TestAnUnavailableExtensionIsSkippedWithTheProvidersError(t *testing.T) {
	_, fake := setUp(t, map[string]any{"host": "x"})
	extension := Resource{URN: "urn:ext", Type: "postgresql:index/extension:Extension", Name: "timescaledb", Inputs: map[string]any{"name": "timescaledb"}}
	_, outcomes, err := run(t, fake, []Resource{extension, widget("after", "urn:ext")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if outcomes[0].Action != "skipped" || outcomes[0].Reason != `apply: error creating extension: pq: extension "timescaledb" is not available` || outcomes[1].Action != "created" {
		t.Errorf("outcomes %+v", outcomes)
	}
}

func TestDynamicResourcesRunTheirStatementsOrSayWhyNot(t *testing.T) {
	_, fake := setUp(t, map[string]any{"host": "x"})
	runner := &recordingRunner{}
	resources := []Resource{
		{URN: "urn:s", Type: "pulumi-nodejs:dynamic:Resource", Name: "s", Kind: "role-setting", Statements: []Statement{{"postgres", `ALTER ROLE "a" SET "lock_timeout" = 5000`}}},
		{URN: "urn:p", Type: "pulumi-nodejs:dynamic:Resource", Name: "p", Kind: "superuser-password", Skip: "set by its own resource"},
		{URN: "urn:f", Type: "pulumi-nodejs:dynamic:Resource", Name: "f", Kind: "role-setting", Statements: []Statement{{"postgres", "fail"}}, Dependencies: []string{"urn:s"}},
	}
	_, outcomes, err := run(t, fake, resources, runner)
	if err == nil || err.Error() != `pulumi-nodejs:dynamic:Resource f: pq: role "ghost" does not exist` {
		t.Errorf("error = %v", err)
	}
	if !reflect.DeepEqual(runner.statements, []string{`postgres: ALTER ROLE "a" SET "lock_timeout" = 5000`}) {
		t.Errorf("statements %v", runner.statements)
	}
	actions := map[string]string{}
	for _, outcome := range outcomes {
		actions[outcome.Name] = outcome.Action + " " + outcome.Reason
	}
	if !reflect.DeepEqual(actions, map[string]string{"s": "sql ", "p": "skipped set by its own resource", "f": "failed "}) {
		t.Errorf("actions %v", actions)
	}
}

func TestRefreshReportsAPerpetualDiff(t *testing.T) {
	_, fake := setUp(t, map[string]any{"host": "x"})
	steady := widget("steady")
	steady.Inputs["token"] = "hush"
	steady.Inputs["kind"] = "A"
	shouty := widget("shouty")
	shouty.Inputs["kind"] = "a"
	leaky := widget("leaky")
	leaky.Inputs["token"] = "hush"
	applied, _, err := run(t, fake, []Resource{steady, widget("drifty"), shouty, leaky}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []Outcome
	diffs, err := Refresh(context.Background(), fake, applied, func(outcome Outcome) { outcomes = append(outcomes, outcome) })
	if err != nil || diffs != 3 {
		t.Fatalf("diffs %d, err %v", diffs, err)
	}
	got := map[string]string{}
	for _, outcome := range outcomes {
		got[outcome.Name] = outcome.Action + " " + strings.Join(outcome.Changes, "; ")
	}
	want := map[string]string{"steady": "refreshed ", "drifty": `diff size: "4" → "3"`, "shouty": `diff kind: "A" → "a" (forces replacement)`,
		"leaky": `diff token: "(sensitive)" → "(sensitive)"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("refresh %v; want %v", got, want)
	}
}
