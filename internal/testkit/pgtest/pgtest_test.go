package pgtest_test

import (
	"database/sql"
	"testing"

	"github.com/icss/icss/internal/testkit/pgtest"
)

func TestStartAndNewDatabase(t *testing.T) {
	srv := pgtest.Start(t)
	a, b := srv.NewDatabase(t), srv.NewDatabase(t)
	if a == b {
		t.Fatalf("NewDatabase returned %s twice", a)
	}
	for _, dsn := range []string{a, b} {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("CREATE TABLE x (id int)"); err != nil {
			t.Fatalf("%s: %v", dsn, err) // fails if the two databases were one
		}
		var v string
		if err := db.QueryRow("SHOW server_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: PostgreSQL %s", dsn, v)
	}
	srv.Stop()
	srv.Stop() // twice is harmless
	if db, _ := sql.Open("pgx", a); db.Ping() == nil {
		t.Fatal("server still answers after Stop")
	}
}
