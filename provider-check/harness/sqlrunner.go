// Runs fleetdb's own statements (role settings) on the target server, one connection per database.
package harness

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	_ "github.com/lib/pq" // the driver the provider itself uses
)

// ApplicationName marks the harness's own connections, so sampling the provider's leaves them out.
const ApplicationName = "fleetdb provider-check"

// PostgresRunner opens one pool per database on the target and closes them with Close.
type PostgresRunner struct {
	Target Target
	mutex  sync.Mutex
	pools  map[string]*sql.DB
}

func (runner *PostgresRunner) Exec(ctx context.Context, database, statement string) error {
	pool, err := runner.pool(database)
	if err != nil {
		return err
	}
	if _, err := pool.ExecContext(ctx, statement); err != nil {
		return fmt.Errorf("in database %s: %w", database, err)
	}
	return nil
}

func (runner *PostgresRunner) pool(database string) (*sql.DB, error) {
	runner.mutex.Lock()
	defer runner.mutex.Unlock()
	if pool, ok := runner.pools[database]; ok {
		return pool, nil
	}
	pool, err := sql.Open("postgres", connectionString(runner.Target, database))
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(1)
	if runner.pools == nil {
		runner.pools = map[string]*sql.DB{}
	}
	runner.pools[database] = pool
	return pool, nil
}

// Close closes every pool.
func (runner *PostgresRunner) Close() {
	runner.mutex.Lock()
	defer runner.mutex.Unlock()
	for _, pool := range runner.pools {
		_ = pool.Close()
	}
	runner.pools = nil
}

// connectionString is a libpq key=value string; every value is quoted, so none can end a field early.
func connectionString(target Target, database string) string {
	fields := [][2]string{
		{"host", target.Host},
		{"port", fmt.Sprint(target.Port)},
		{"user", target.Username},
		{"password", target.Password},
		{"dbname", database},
		{"sslmode", "disable"},
		{"application_name", ApplicationName},
	}
	parts := make([]string, 0, len(fields))
	for _, field := range fields {
		quoted := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(field[1])
		parts = append(parts, fmt.Sprintf("%s='%s'", field[0], quoted))
	}
	return strings.Join(parts, " ")
}
