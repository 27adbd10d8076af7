package ldproof

import (
	"errors"
	"fmt"
	"testing"
)

// identicalTree builds nested anonymous nodes: branch[0] identical children,
// each with branch[1] identical children, and so on.
func identicalTree(branch []int) map[string]any {
	if len(branch) == 0 {
		return map[string]any{"http://example.org/name": "leaf"}
	}
	var kids []any
	for i := 0; i < branch[0]; i++ {
		kids = append(kids, identicalTree(branch[1:]))
	}
	return map[string]any{"http://example.org/kid": kids}
}

// clique links n blank nodes to every other one: a classic poison graph.
func clique(n int) []any {
	var nodes []any
	for i := 0; i < n; i++ {
		var links []any
		for j := 0; j < n; j++ {
			if i != j {
				links = append(links, map[string]any{"@id": fmt.Sprintf("_:b%d", j)})
			}
		}
		nodes = append(nodes, map[string]any{"@id": fmt.Sprintf("_:b%d", i), "http://example.org/p": links})
	}
	return nodes
}

// ring links n blank nodes in a single cycle.
func ring(n int) []any {
	var nodes []any
	for i := 0; i < n; i++ {
		nodes = append(nodes, map[string]any{
			"@id":                  fmt.Sprintf("_:r%d", i),
			"http://example.org/p": map[string]any{"@id": fmt.Sprintf("_:r%d", (i+1)%n)},
		})
	}
	return nodes
}

// Without the guard each of these takes from seconds to hours in json-gold
// (a clique of 8 took 46 s on the development machine); with it they are
// refused at once. Tests never time themselves: a regression shows as a hang.
func TestCanonicalize_RefusesPoisonGraphs(t *testing.T) {
	t.Parallel()
	cases := map[string]any{
		"clique of 8":                     clique(8),
		"clique of 30":                    clique(30),
		"ring of 40":                      ring(40),
		"7 identical grandchildren twice": identicalTree([]int{2, 7}),
		"deep identical tree":             identicalTree([]int{2, 8, 3, 2}),
		"wide identical tree":             identicalTree([]int{12, 12}),
	}
	for name, doc := range cases {
		if _, err := Canonicalize(doc); !errors.Is(err, ErrTooComplex) {
			t.Errorf("%s: err = %v, want ErrTooComplex", name, err)
		}
	}
}

func TestCanonicalize_AllowsRepeatedSimpleValues(t *testing.T) {
	t.Parallel()
	// Identical leaves (say, several equal alignments) are common enough and
	// cheap: they are not linked to each other.
	for _, doc := range []any{identicalTree([]int{12}), identicalTree([]int{8, 1}), identicalTree([]int{3, 3})} {
		if _, err := Canonicalize(doc); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// A long list is quadratic in json-gold's node map (20,000 entries took
// about 12 s); very deep nesting only wastes stack. Both are refused.
func TestCanonicalize_RefusesOversizedDocuments(t *testing.T) {
	t.Parallel()
	long := testCredential()
	var ev []any
	for i := 0; i < 20000; i++ {
		ev = append(ev, map[string]any{"type": []any{"Evidence"}, "name": fmt.Sprint(i)})
	}
	long["evidence"] = ev

	deep := testCredential()
	node := deep["credentialSubject"].(map[string]any)
	for i := 0; i < 500; i++ {
		child := map[string]any{"type": []any{"Achievement"}}
		node["achievement"] = child
		node = child
	}
	for name, doc := range map[string]map[string]any{"long list": long, "deep nesting": deep} {
		if _, err := Canonicalize(doc); !errors.Is(err, ErrTooComplex) {
			t.Errorf("%s: Canonicalize err = %v, want ErrTooComplex", name, err)
		}
		if err := CheckJSONLD(doc); !errors.Is(err, ErrTooComplex) {
			t.Errorf("%s: CheckJSONLD err = %v, want ErrTooComplex", name, err)
		}
	}
	// A credential with a realistic number of entries is fine.
	ok := testCredential()
	ok["evidence"] = ev[:50]
	if _, err := Canonicalize(ok); err != nil {
		t.Fatalf("50 evidence entries: %v", err)
	}
}
