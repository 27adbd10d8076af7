package store

import (
	"database/sql/driver"
	"slices"
	"testing"
)

func TestRebind(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		refs     []paramRef
	}{
		{"SELECT 1", "SELECT 1", nil},
		{"SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2", []paramRef{{pos: 0}, {pos: 1}}},
		{"WHERE u = :user AND x < :now OR y = :user", "WHERE u = $1 AND x < $2 OR y = $1", []paramRef{{pos: -1, name: "user"}, {pos: -1, name: "now"}}},
		{`SELECT '?', ':nope', "odd?col" FROM t WHERE a = ?`, `SELECT '?', ':nope', "odd?col" FROM t WHERE a = $1`, []paramRef{{pos: 0}}},
		{"SELECT 'it''s ?' WHERE a = ?", "SELECT 'it''s ?' WHERE a = $1", []paramRef{{pos: 0}}},
		{"-- why? because :reasons\nSELECT ?", "-- why? because :reasons\nSELECT $1", []paramRef{{pos: 0}}},
		{"SELECT x::text, f.confdeltype::text FROM t WHERE a = :a", "SELECT x::text, f.confdeltype::text FROM t WHERE a = $1", []paramRef{{pos: -1, name: "a"}}},
		{`t.name LIKE :q0 ESCAPE '\' OR t.d LIKE :q0 ESCAPE '\'`, `t.name LIKE $1 ESCAPE '\' OR t.d LIKE $1 ESCAPE '\'`, []paramRef{{pos: -1, name: "q0"}}},
	} {
		got, refs := rebind(tc.in)
		if got != tc.want || !slices.Equal(refs, tc.refs) {
			t.Errorf("rebind(%q)\n = %q %v\nwant %q %v", tc.in, got, refs, tc.want, tc.refs)
		}
	}
}

func TestBindArgs_OrdersByReferenceAndStoresBoolsAsIntegers(t *testing.T) {
	_, refs := rebind("UPDATE t SET a = :a, b = ?, c = :c WHERE d = :a AND e = ?")
	got, err := bindArgs(refs, []driver.NamedValue{
		{Ordinal: 1, Name: "c", Value: true},
		{Ordinal: 2, Value: "first"},
		{Ordinal: 3, Name: "a", Value: int64(7)},
		{Ordinal: 4, Value: "second"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var values []any
	for i, a := range got {
		if a.Ordinal != i+1 || a.Name != "" {
			t.Errorf("argument %d: %+v", i, a)
		}
		values = append(values, a.Value)
	}
	if want := []any{int64(7), "first", int64(1), "second"}; !slices.Equal(values, want) {
		t.Errorf("values %v, want %v", values, want)
	}
	if _, err := bindArgs(refs, nil); err == nil {
		t.Error("missing arguments accepted")
	}
}
