package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
)

// copyDBFlags are copy-db's own arguments.
type copyDBFlags struct {
	from, to string
}

// parseCopyDB reads `copy-db --from FILE [--to URL]`. The URL may hold a
// password, so it may also come from SATCHEL_DATABASE_URL, out of the
// shell's history and the process list.
func (m *Main) parseCopyDB(args []string) error {
	fs := flag.NewFlagSet("satchel copy-db", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	var f copyDBFlags
	fs.StringVar(&f.from, "from", "", "the SQLite database file to copy (the server's `satchel.db`)")
	fs.StringVar(&f.to, "to", "", "the empty PostgreSQL database to copy into, `postgres://…` (default: SATCHEL_DATABASE_URL)")
	fs.Usage = func() {
		fmt.Fprintln(m.Stderr, "Usage: satchel copy-db --from SQLITE_FILE [--to postgres://…]")
		fmt.Fprintln(m.Stderr)
		fmt.Fprintln(m.Stderr, "Copies everything in a SQLite database into an empty PostgreSQL database in one")
		fmt.Fprintln(m.Stderr, "transaction, after migrating it, then compares the two table by table.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("copy-db: unexpected argument %q; see satchel copy-db --help", fs.Arg(0))
	}
	if f.to == "" {
		f.to = m.Getenv("SATCHEL_DATABASE_URL")
	}
	switch {
	case f.from == "":
		return errors.New("copy-db: --from is required: the SQLite database file to copy, e.g. --from ./data/satchel.db")
	case f.to == "":
		return errors.New("copy-db: --to (or SATCHEL_DATABASE_URL) is required: the empty PostgreSQL database to copy into, postgres://USER:PASSWORD@HOST:5432/DBNAME")
	case !store.IsPostgresURL(f.to):
		return errors.New("copy-db: --to must be a PostgreSQL URL starting with postgres:// or postgresql://")
	}
	m.Args = []string{f.from}
	m.copyTo = f.to
	return nil
}

// copyDB copies the SQLite file into PostgreSQL and prints each table's
// rows on both sides. The URL is never printed.
func (m *Main) copyDB(ctx context.Context) error {
	from := m.Args[0]
	if st, err := os.Stat(from); err != nil || st.IsDir() {
		return fmt.Errorf("copy-db: there is no SQLite database at %s; give --from the server's database file (satchel.db in its data directory)", from)
	}
	src, err := store.Open(ctx, from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.OpenPostgres(ctx, m.copyTo)
	if err != nil {
		return fmt.Errorf("copy-db: --to: %s; check that the server runs and is reachable from here, and the user, password and database name in the URL", strings.TrimPrefix(err.Error(), "store: "))
	}
	defer dst.Close()
	applied, err := dst.Migrate(ctx)
	if err != nil {
		if store.PermissionDenied(err) {
			return errors.New("copy-db: the database user may not create tables in the target database; connect as its owner, or grant the user CREATE on its schema")
		}
		return err
	}
	if len(applied) > 0 {
		fmt.Fprintf(m.Stdout, "satchel: migrated the PostgreSQL database (%d migrations)\n", len(applied))
	}
	fmt.Fprintf(m.Stdout, "satchel: copying %s into PostgreSQL\n", from)
	rep, err := src.CopyTo(ctx, dst)
	if len(rep.Tables) > 0 {
		printCopyReport(m, rep)
	}
	if err != nil {
		if msg := fail.Message(err); msg != "" {
			return errors.New("copy-db: " + msg)
		}
		return err
	}
	var rows int64
	for _, t := range rep.Tables {
		if !t.Derived {
			rows += t.Target
		}
	}
	if rep.Replaced > 0 {
		fmt.Fprintf(m.Stdout, "satchel: %d text value(s) held a NUL or invalid UTF-8, which PostgreSQL cannot keep; they hold U+FFFD instead, as Satchel writes them on PostgreSQL\n", rep.Replaced)
	}
	fmt.Fprintf(m.Stdout, "satchel: copied %d rows in %d tables; every table's rows and contents agree\n", rows, len(rep.Tables))
	return nil
}

func printCopyReport(m *Main, rep store.CopyReport) {
	tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\tSQLite\tPostgreSQL\tcontents\t")
	for _, t := range rep.Tables {
		same := "same"
		if !t.Same {
			same = "DIFFERENT"
		}
		if t.Derived {
			same += " (kept by a trigger)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", t.Name, t.Source, t.Target, same)
	}
	tw.Flush()
}
