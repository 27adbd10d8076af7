package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/store"
)

// TestCollection_ConcurrentChangesFromTwoProcessesKeepADenseOrder: two
// handles on one database (two Satchel processes) move, remove and add
// badges of one collection at once; the collection ends with each badge
// once, at positions 1, 2, 3 … with no gap and no duplicate.
func TestCollection_ConcurrentChangesFromTwoProcessesKeepADenseOrder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "satchel.db")
	var dbs []*store.DB
	for range 2 {
		db, err := openShared(t, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	u, ids := collUser(t, dbs[0], "ada", 12)
	c := mustCreate(t, dbs[0], u.ID, "Shared")
	if _, err := dbs[0].AddToCollection(ctx, u.ID, c.PublicID, ids); err != nil {
		t.Fatal(err)
	}
	moves := []store.Move{store.MoveUp, store.MoveDown, store.MoveTop, store.MoveTo(7)}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[w%2]
			for i := range 15 {
				id := ids[(w*5+i)%len(ids)]
				var err error
				switch i % 5 {
				case 3:
					err = db.RemoveFromCollection(ctx, u.ID, c.PublicID, id)
				case 4:
					_, err = db.AddToCollection(ctx, u.ID, c.PublicID, []string{id})
				default:
					_, err = db.MoveInCollection(ctx, u.ID, c.PublicID, id, moves[(w+i)%len(moves)])
				}
				// A badge another worker took out is NotFound to a move.
				if err != nil && fail.CodeOf(err) != fail.NotFound {
					t.Error(fmt.Errorf("worker %d step %d: %w", w, i, err))
					return
				}
			}
		}()
	}
	wg.Wait()

	got := order(t, dbs[1], u.ID, c.PublicID)
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Errorf("badge %s is in the collection twice", id)
		}
		seen[id] = true
	}
	raw := mustRaw(t, dbs[0])
	rows, err := raw.Query("SELECT position FROM collection_badges ORDER BY position")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var positions []int
	for rows.Next() {
		var p int
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		positions = append(positions, p)
	}
	want := make([]int, len(got))
	for i := range want {
		want[i] = i + 1
	}
	if !slices.Equal(positions, want) {
		t.Errorf("%s: positions %v, want 1…%d", engine, positions, len(got))
	}
}
