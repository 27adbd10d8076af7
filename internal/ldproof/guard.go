package ldproof

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// ErrTooComplex is wrapped when a document's blank nodes are arranged so
// that canonicalizing them could take very long (a "poison graph": many
// indistinguishable blank nodes linked to each other). RDFC-1.0 then has to
// try every permutation of them; json-gold has no limit of its own, so a
// hostile badge could hold a CPU for hours. Real credentials are nowhere near
// these limits: their blank nodes form trees and almost all are told apart by
// their own properties.
var ErrTooComplex = errors.New("the badge data is too intricate to check safely")

// Limits on the blank nodes that RDFC-1.0's first-degree hashes cannot tell
// apart and that are linked to other such nodes, measured against json-gold:
// a clique of 7 took seconds, a node with 7 indistinguishable neighbours too.
const (
	maxAmbiguousDegree    = 3
	maxAmbiguousComponent = 12
	maxAmbiguousLinked    = 32
)

type quadNode struct {
	blank bool
	text  string
}

func toQuadNode(n ld.Node) (quadNode, bool) {
	switch t := n.(type) {
	case nil:
		return quadNode{}, false
	case ld.BlankNode:
		return quadNode{blank: true, text: t.Attribute}, true
	case *ld.BlankNode:
		return quadNode{blank: true, text: t.Attribute}, true
	case ld.IRI:
		return quadNode{text: "<" + t.Value + ">"}, true
	case *ld.IRI:
		return quadNode{text: "<" + t.Value + ">"}, true
	case ld.Literal:
		return quadNode{text: fmt.Sprintf("%q^^%s@%s", t.Value, t.Datatype, t.Language)}, true
	case *ld.Literal:
		return quadNode{text: fmt.Sprintf("%q^^%s@%s", t.Value, t.Datatype, t.Language)}, true
	}
	return quadNode{text: n.GetValue()}, true
}

// checkComplexity refuses datasets whose canonicalization could explode.
// It computes the equivalent of RDFC-1.0's first-degree hashes (each blank
// node's quads with itself as _:a and other blank nodes as _:z), finds the
// blank nodes that share one (only those need the costly n-degree step), and
// bounds how they are linked to each other: no cycles, few neighbours, small
// groups.
func checkComplexity(ds *ld.RDFDataset) error {
	type quad [4]quadNode
	var quads []quad
	seen := map[quad]bool{}
	for _, qs := range ds.Graphs {
		for _, q := range qs {
			var out quad
			for i, n := range []ld.Node{q.Subject, q.Predicate, q.Object, q.Graph} {
				out[i], _ = toQuadNode(n)
			}
			if !seen[out] {
				seen[out] = true
				quads = append(quads, out)
			}
		}
	}
	sigParts := map[string][]string{}
	for _, q := range quads {
		for _, n := range q {
			if !n.blank {
				continue
			}
			var b strings.Builder
			for i, m := range q {
				if i > 0 {
					b.WriteByte(' ')
				}
				switch {
				case m.blank && m.text == n.text:
					b.WriteString("_:a")
				case m.blank:
					b.WriteString("_:z")
				default:
					b.WriteString(m.text)
				}
			}
			parts := sigParts[n.text]
			s := b.String()
			// A quad that mentions the node twice is counted once, as in RDFC.
			if len(parts) == 0 || parts[len(parts)-1] != s {
				sigParts[n.text] = append(parts, s)
			}
		}
	}
	classSize := map[string]int{}
	sig := map[string]string{}
	for node, parts := range sigParts {
		sort.Strings(parts)
		s := strings.Join(parts, "\n")
		sig[node] = s
		classSize[s]++
	}
	ambiguous := func(node string) bool { return classSize[sig[node]] > 1 }

	// Links between ambiguous blank nodes: any quad mentioning both.
	type edge struct{ a, b string }
	edges := map[edge]int{}
	for _, q := range quads {
		var bn []string
		for _, n := range q {
			if n.blank && ambiguous(n.text) {
				bn = append(bn, n.text)
			}
		}
		for i := 0; i < len(bn); i++ {
			for j := i + 1; j < len(bn); j++ {
				a, b := bn[i], bn[j]
				if a == b {
					return fmt.Errorf("%w: a blank node refers to itself", ErrTooComplex)
				}
				if a > b {
					a, b = b, a
				}
				edges[edge{a, b}]++
			}
		}
	}
	adj := map[string][]string{}
	for e, n := range edges {
		if n > 1 {
			return fmt.Errorf("%w: blank nodes linked to each other more than once", ErrTooComplex)
		}
		adj[e.a] = append(adj[e.a], e.b)
		adj[e.b] = append(adj[e.b], e.a)
	}
	if len(adj) > maxAmbiguousLinked {
		return fmt.Errorf("%w: %d indistinguishable blank nodes linked together", ErrTooComplex, len(adj))
	}
	visited := map[string]bool{}
	for start := range adj {
		if visited[start] {
			continue
		}
		nodes, links := 0, 0
		stack := []string{start}
		visited[start] = true
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			nodes++
			if len(adj[n]) > maxAmbiguousDegree {
				return fmt.Errorf("%w: a blank node has %d indistinguishable neighbours", ErrTooComplex, len(adj[n]))
			}
			links += len(adj[n])
			for _, m := range adj[n] {
				if !visited[m] {
					visited[m] = true
					stack = append(stack, m)
				}
			}
		}
		if links/2 >= nodes {
			return fmt.Errorf("%w: indistinguishable blank nodes form a cycle", ErrTooComplex)
		}
		if nodes > maxAmbiguousComponent {
			return fmt.Errorf("%w: %d indistinguishable blank nodes linked together", ErrTooComplex, nodes)
		}
	}
	return nil
}

// Limits on the size and shape of a document before JSON-LD processing.
// json-gold's node map checks each new value against every earlier value of
// the same property, so one property with n values costs n²: 20,000 evidence
// entries (under 1 MiB of JSON) took about 12 s. Real badges have a handful.
const (
	maxObjects      = 10000
	maxDepth        = 100
	maxArrayWorkSum = 4_000_000 // sum over arrays of len²
)

// checkSize walks a decoded JSON document and refuses one too large or too
// deeply nested to process in reasonable time.
func checkSize(v any) error {
	objects, work := 0, 0
	var walk func(v any, depth int) error
	walk = func(v any, depth int) error {
		if depth > maxDepth {
			return fmt.Errorf("%w: it is nested more than %d levels deep", ErrTooComplex, maxDepth)
		}
		switch t := v.(type) {
		case map[string]any:
			objects++
			if objects > maxObjects {
				return fmt.Errorf("%w: it holds more than %d objects", ErrTooComplex, maxObjects)
			}
			for _, e := range t {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		case []any:
			work += len(t) * len(t)
			if work > maxArrayWorkSum {
				return fmt.Errorf("%w: it has lists too long to process (%d entries in one)", ErrTooComplex, len(t))
			}
			for _, e := range t {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(v, 0)
}
