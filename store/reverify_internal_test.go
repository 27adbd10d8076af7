package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The job asks its two questions every minute over every backpack: each
// must be answered from an index, never by reading the badges table.
func TestReverifyQueries_UseIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "satchel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for q, index := range map[string]string{
		expiringQuery: "badges_expiring",
		dueQuery:      "badges_next_check",
	} {
		rows, err := db.reader.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, "USING INDEX "+index) && !strings.Contains(all, "USING COVERING INDEX "+index) {
			t.Errorf("%s\nplan: %s\nwant it to use %s", q, all, index)
		}
	}
}
