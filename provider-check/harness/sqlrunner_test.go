package harness

import "testing"

func TestConnectionStringQuotesEveryValue(t *testing.T) {
	target := Target{Host: "127.0.0.1", Port: 5433, Username: "ad'min", Password: `p a\ss' sslmode='require`}
	want := `host='127.0.0.1' port='5433' user='ad\'min' password='p a\\ss\' sslmode=\'require' dbname='fleet platform' sslmode='disable' application_name='fleetdb provider-check'`
	if got := connectionString(target, "fleet platform"); got != want {
		t.Errorf("connectionString = %s\nwant %s", got, want)
	}
}
