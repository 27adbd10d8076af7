package ldproof

// The conversion below follows json-gold's JsonLdApi.ToRDF, RDFDataset.GraphToRDF,
// objectToRDF and parseList (github.com/piprate/json-gold/ld, Copyright
// 2015-2017 Piprate Limited, Apache License 2.0) statement for statement.
// The one difference is where IRI validity is remembered: json-gold runs its
// IsURL regular expression (about 20 µs an IRI) afresh on every call for
// each distinct http(s) IRI of the graph, and the IRIs of a credential are
// almost all the same vocabulary IRIs from the embedded contexts every time,
// so that alone was a quarter of the time of verifying a credential. Here
// the results go to the process-wide bounded cache of validIRI. Every quad
// is still checked and dropped exactly when json-gold drops it
// (TestToRDFMatchesJSONGold compares the two).

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// toRDF converts expanded JSON-LD to an RDF dataset, as ld.JsonLdApi.ToRDF.
func toRDF(expanded any, opts *ld.JsonLdOptions) (*ld.RDFDataset, error) {
	issuer := ld.NewIdentifierIssuer("_:b")
	nodeMap := map[string]any{"@default": map[string]any{}}
	if _, err := ld.NewJsonLdApi().GenerateNodeMap(expanded, nodeMap, "@default", issuer, "", "", nil); err != nil {
		return nil, err
	}
	ds := ld.NewRDFDataset()
	for graphName, graphVal := range nodeMap {
		if ld.IsRelativeIri(graphName) {
			continue
		}
		ds.Graphs[graphName] = graphToRDF(graphName, graphVal.(map[string]any), issuer, opts.ProduceGeneralizedRdf)
	}
	return ds, nil
}

var (
	rdfFirst = ld.NewIRI(ld.RDFFirst)
	rdfRest  = ld.NewIRI(ld.RDFRest)
	rdfNil   = ld.NewIRI(ld.RDFNil)
)

// graphToRDF is ld.RDFDataset.GraphToRDF returning the graph's statements.
func graphToRDF(graphName string, graph map[string]any, issuer *ld.IdentifierIssuer, generalized bool) []*ld.Quad {
	triples := make([]*ld.Quad, 0)
	for _, id := range ld.GetKeys(graph) {
		if ld.IsRelativeIri(id) {
			continue
		}
		node := graph[id].(map[string]any)
		for _, property := range ld.GetOrderedKeys(node) {
			var values []any
			switch {
			case property == "@type":
				values = node["@type"].([]any)
				property = ld.RDFType
			case ld.IsKeyword(property):
				continue
			case strings.HasPrefix(property, "_:") && !generalized:
				continue
			case ld.IsRelativeIri(property):
				continue
			default:
				values = node[property].([]any)
			}

			var subject ld.Node
			if strings.Index(id, "_:") == 0 {
				subject = ld.NewBlankNode(id)
			} else {
				subject = ld.NewIRI(id)
			}
			var predicate ld.Node
			if strings.HasPrefix(property, "_:") {
				predicate = ld.NewBlankNode(property)
			} else {
				predicate = ld.NewIRI(property)
			}
			for _, item := range values {
				var object ld.Node
				object, triples = objectToRDF(item, issuer, graphName, triples)
				if object != nil {
					triples = append(triples, ld.NewQuad(subject, predicate, object, graphName))
				}
			}
		}
	}

	// Drop invalid statements, as json-gold does.
	out := make([]*ld.Quad, 0, len(triples))
	for _, t := range triples {
		if validQuad(t) {
			out = append(out, t)
		}
	}
	return out
}

// validQuad is ld.Quad.Valid with IRI results from validIRI's cache.
func validQuad(q *ld.Quad) bool {
	return (q.Subject == nil || !invalidNode(q.Subject)) &&
		(q.Predicate == nil || !invalidNode(q.Predicate)) &&
		(q.Object == nil || !invalidNode(q.Object)) &&
		(q.Graph == nil || !invalidNode(q.Graph))
}

// invalidNode is ld.InvalidNode with IRI results from validIRI's cache.
func invalidNode(node ld.Node) bool {
	switch n := node.(type) {
	case ld.IRI:
		return !validIRI(n.Value)
	case ld.Literal:
		if n.Language != "" && !languageTag.MatchString(n.Language) {
			return true
		}
		if n.Datatype != "" && !validIRI(n.Datatype) {
			return true
		}
	}
	return false
}

// objectToRDF is json-gold's objectToRDF: a value object becomes a literal,
// a list object a list, a node object or string an IRI or blank node.
func objectToRDF(item any, issuer *ld.IdentifierIssuer, graphName string, triples []*ld.Quad) (ld.Node, []*ld.Quad) {
	if ld.IsValue(item) {
		itemMap := item.(map[string]any)
		value := itemMap["@value"]
		datatype := itemMap["@type"]

		if datatype == "@json" {
			// JSON literals need json-gold's JSON canonicalization, which
			// is internal to it; they are rare, so let it convert this one.
			return jsonLiteral(item), triples
		}

		booleanVal, isBool := value.(bool)
		floatVal, isFloat := value.(float64)
		if !isBool && !isFloat {
			if number, isNumber := value.(json.Number); isNumber {
				var floatErr error
				floatVal, floatErr = number.Float64()
				isFloat = floatErr == nil
			}
		}
		isInteger := isFloat && floatVal == float64(int64(floatVal))

		datatypeStr, _ := datatype.(string)
		switch {
		case isBool:
			if datatype == nil {
				return ld.NewLiteral(strconv.FormatBool(booleanVal), ld.XSDBoolean, ""), triples
			}
			return ld.NewLiteral(strconv.FormatBool(booleanVal), datatypeStr, ""), triples
		case (isFloat && !isInteger) || (isFloat && ld.XSDDouble == datatypeStr):
			canonicalDouble := ld.GetCanonicalDouble(floatVal)
			if datatype == nil {
				return ld.NewLiteral(canonicalDouble, ld.XSDDouble, ""), triples
			}
			return ld.NewLiteral(canonicalDouble, datatypeStr, ""), triples
		case isFloat:
			if datatype == nil {
				return ld.NewLiteral(fmt.Sprintf("%d", int64(floatVal)), ld.XSDInteger, ""), triples
			}
			return ld.NewLiteral(fmt.Sprintf("%d", int64(floatVal)), datatype.(string), ""), triples
		}
		if langVal, hasLang := itemMap["@language"]; hasLang {
			if datatype == nil {
				return ld.NewLiteral(value.(string), ld.RDFLangString, langVal.(string)), triples
			}
			return ld.NewLiteral(value.(string), datatype.(string), langVal.(string)), triples
		}
		if datatype == nil {
			return ld.NewLiteral(value.(string), ld.XSDString, ""), triples
		}
		return ld.NewLiteral(value.(string), datatype.(string), ""), triples
	}
	if ld.IsList(item) {
		return listToRDF(item.(map[string]any)["@list"].([]any), issuer, graphName, triples)
	}
	var id string
	if itemMap, isMap := item.(map[string]any); isMap {
		id = itemMap["@id"].(string)
		if ld.IsRelativeIri(id) {
			return nil, triples
		}
	} else {
		id = item.(string)
	}
	if strings.Index(id, "_:") == 0 {
		return ld.NewBlankNode(id), triples
	}
	return ld.NewIRI(id), triples
}

// listToRDF is json-gold's parseList: the RDF collection of list's items.
func listToRDF(list []any, issuer *ld.IdentifierIssuer, graphName string, triples []*ld.Quad) (ld.Node, []*ld.Quad) {
	var res ld.Node
	var last any
	if len(list) > 0 {
		last = list[len(list)-1]
		res = ld.NewBlankNode(issuer.GetId(""))
	} else {
		res = rdfNil
	}
	subj := res

	var obj ld.Node
	for i := 0; i < len(list)-1; i++ {
		obj, triples = objectToRDF(list[i], issuer, graphName, triples)
		next := ld.NewBlankNode(issuer.GetId(""))
		triples = append(triples,
			ld.NewQuad(subj, rdfFirst, obj, graphName),
			ld.NewQuad(subj, rdfRest, next, graphName),
		)
		subj = next
	}
	if last != nil {
		obj, triples = objectToRDF(last, issuer, graphName, triples)
		triples = append(triples,
			ld.NewQuad(subj, rdfFirst, obj, graphName),
			ld.NewQuad(subj, rdfRest, rdfNil, graphName),
		)
	}
	return res, triples
}

// jsonLiteral converts one @json value object with json-gold itself, in a
// graph of one statement whose subject and predicate need no IRI check.
func jsonLiteral(item any) ld.Node {
	ds := ld.NewRDFDataset()
	graph := map[string]any{"_:s": map[string]any{"@id": "_:s", "urn:p": []any{item}}}
	ds.GraphToRDF("@default", graph, ld.NewIdentifierIssuer("_:b"), false)
	if qs := ds.Graphs["@default"]; len(qs) == 1 {
		return qs[0].Object
	}
	return nil
}
