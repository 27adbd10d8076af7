package keys

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/jsonv"
)

// document is a fetched key, controller or DID document.
type document struct {
	obj  map[string]any
	url  string // where it was fetched from, after redirects
	base string // what relative ids resolve against: its absolute id, else url
}

func fetchDocument(ctx context.Context, f Fetcher, docURL, vm string) (*document, error) {
	resp, err := f.Get(ctx, docURL, fetch.JSON)
	if err != nil {
		return nil, &Error{Kind: FetchFailed, Method: vm, Err: err}
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, errorf(NotFound, vm, "%s answered HTTP %d", docURL, resp.Status)
	}
	var obj map[string]any
	if err := json.Unmarshal(resp.Body, &obj); err != nil {
		return nil, &Error{Kind: BadDocument, Method: vm, Err: fmt.Errorf("%s: %w", docURL, err)}
	}
	if obj == nil {
		return nil, errorf(BadDocument, vm, "%s is not a JSON object", docURL)
	}
	d := &document{obj: obj, url: resp.URL}
	if d.url == "" {
		d.url = docURL
	}
	d.base = d.url
	if id := jsonv.NodeID(obj); isAbsolute(id) {
		d.base = id
	}
	return d, nil
}

// resolveDocument dereferences an http(s) verification method that is not
// under the issuer's own address: a key document, or a controller document
// that contains the method. The key's controller is what that document
// says; whether the issuer confirms it is the binding's question.
func resolveDocument(ctx context.Context, f Fetcher, vm string) (*Key, error) {
	base, frag, _ := strings.Cut(vm, "#")
	doc, err := fetchDocument(ctx, f, base, vm)
	if err != nil {
		return nil, err
	}
	node, self := doc.find(vm, frag == "")
	if node == nil {
		return nil, errorf(NotFound, vm, "%s does not contain the key", base)
	}
	pub, err := keyFromNode(node)
	if err != nil {
		return nil, withMethod(err, vm)
	}
	controller := jsonv.FirstRef(node, "controller", "owner")
	if controller != "" {
		controller = resolveRef(doc.base, controller)
	} else if !self {
		controller = resolveRef(doc.url, jsonv.NodeID(doc.obj)) // a controller document controls what it embeds
	}
	if controller == "" {
		return nil, errorf(NotIssuerKey, vm, "the key names no controller")
	}
	return &Key{ID: vm, Controller: controller, Public: pub, Source: FromDocument}, nil
}

// bindHosted binds a key to an https issuer: the document at the issuer's
// address must list it under assertionMethod.
func bindHosted(ctx context.Context, f Fetcher, vm string, cand *Key, issuerID string) (*Key, error) {
	where := hostOf(issuerID)
	docURL, _, _ := strings.Cut(issuerID, "#")
	doc, err := fetchDocument(ctx, f, docURL, vm)
	if err == nil && !doc.isControllerOf(docURL, issuerID) {
		err = errorf(NotFound, vm, "%s publishes no keys", docURL)
	}
	if err != nil {
		if cand == nil {
			return nil, err
		}
		return unconfirmed(cand, where), nil
	}
	doc.base = issuerID
	return bindByDocument(doc, vm, cand, issuerID, HostedDocument, where)
}

// bindDIDWeb binds a key to a did:web issuer: its DID document must list
// it under assertionMethod.
func bindDIDWeb(ctx context.Context, f Fetcher, vm string, cand *Key, issuerID string) (*Key, error) {
	did, _, _ := strings.Cut(issuerID, "#")
	docURL, err := didWebURL(did)
	if err != nil {
		return nil, &Error{Kind: BadDocument, Method: vm, Err: err}
	}
	doc, err := fetchDocument(ctx, f, docURL, vm)
	if err == nil {
		if id := jsonv.NodeID(doc.obj); id != did {
			err = errorf(BadDocument, vm, "DID document id %s is not %s", quoteShort(id), quoteShort(did))
		}
	}
	if err != nil {
		if cand == nil {
			return nil, err
		}
		return unconfirmed(cand, did), nil
	}
	doc.base = did
	return bindByDocument(doc, vm, cand, did, DIDDocument, did)
}

func unconfirmed(cand *Key, where string) *Key {
	k := *cand
	k.Binding, k.Where = Unconfirmed, where
	return &k
}

// bindByDocument applies the rule to the issuer's own document: the method
// (by its id, or by the same key material) must be listed under
// assertionMethod.
func bindByDocument(doc *document, vm string, cand *Key, issuerID string, binding Binding, where string) (*Key, error) {
	source := FromDocument
	if binding == DIDDocument {
		source = FromDIDWeb
	}
	refs, _ := assertionRefs(doc.obj, doc.base)
	if vm != "" && slices.Contains(refs, vm) {
		var pub crypto.PublicKey
		if node := doc.method(vm); node != nil && hasKeyMaterial(node) {
			p, err := keyFromNode(node)
			if err != nil {
				return nil, withMethod(err, vm)
			}
			if c := jsonv.FirstRef(node, "controller"); c != "" && resolveRef(doc.base, c) != issuerID {
				return nil, errorf(NotIssuerKey, vm, "the issuer's document says the key is controlled by %s", quoteShort(resolveRef(doc.base, c)))
			}
			if cand != nil && !SameKey(cand.Public, p) {
				return nil, errorf(NotIssuerKey, vm, "the key given with the signature is not the key the issuer lists as %s", quoteShort(vm))
			}
			pub = p
		} else if cand != nil {
			pub, source = cand.Public, cand.Source
		} else {
			return nil, errorf(NotFound, vm, "the issuer lists %s but gives no key for it", quoteShort(vm))
		}
		return &Key{ID: vm, Controller: issuerID, Public: pub, Source: source, Binding: binding, Where: where}, nil
	}
	if cand != nil {
		for _, node := range doc.assertionMethods() {
			if p, err := keyFromNode(node); err == nil && SameKey(cand.Public, p) {
				id := vm
				if id == "" {
					id = resolveRef(doc.base, jsonv.NodeID(node))
				}
				return &Key{ID: id, Controller: issuerID, Public: cand.Public, Source: cand.Source, Binding: binding, Where: where}, nil
			}
		}
	}
	if doc.listsElsewhere(vm, cand) {
		return nil, errorf(NotAssertionMethod, vm, "listed by %s, but not under assertionMethod", quoteShort(issuerID))
	}
	return nil, errorf(NotIssuerKey, vm, "the issuer's document %s does not list this key", quoteShort(doc.url))
}

// isControllerOf reports whether the fetched document is the issuer's own
// (served from the issuer's address, without moving to another site, and
// not naming another id) and lists keys at all.
func (d *document) isControllerOf(docURL, issuerID string) bool {
	if !sameOrigin(d.url, docURL) {
		return false
	}
	if id := jsonv.NodeID(d.obj); id != "" && resolveRef(d.url, id) != issuerID && resolveRef(d.url, id) != docURL {
		return false
	}
	_, am := d.obj["assertionMethod"]
	_, vm := d.obj["verificationMethod"]
	return am || vm
}

// method finds the verification method object with the absolute id.
func (d *document) method(id string) map[string]any {
	for _, m := range d.methods() {
		if resolveRef(d.base, jsonv.NodeID(m)) == id {
			return m
		}
	}
	return nil
}

// assertionMethods lists the key objects the document authorises for
// assertions: embedded under assertionMethod, or referenced from it.
func (d *document) assertionMethods() []map[string]any {
	refs, _ := assertionRefs(d.obj, d.base)
	var out []map[string]any
	for _, r := range refs {
		if m := d.method(r); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// relationships other than assertionMethod that list verification methods.
var otherRelationships = []string{"verificationMethod", "authentication", "capabilityInvocation", "capabilityDelegation", "keyAgreement", "publicKey"}

// listsElsewhere reports whether the document names the method (or holds
// the candidate's key) other than under assertionMethod.
func (d *document) listsElsewhere(vm string, cand *Key) bool {
	for _, field := range otherRelationships {
		for _, v := range jsonv.Items(d.obj[field]) {
			if vm != "" && resolveRef(d.base, jsonv.Ref(v)) == vm {
				return true
			}
			if m, ok := v.(map[string]any); ok && cand != nil {
				if p, err := keyFromNode(m); err == nil && SameKey(cand.Public, p) {
					return true
				}
			}
		}
	}
	return false
}

func hostOf(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return u
	}
	return pu.Hostname()
}

// find returns the node describing vm and whether it is the document
// itself. With no fragment in vm and no node of that id, a document holding
// exactly one key is taken to mean that key.
func (d *document) find(vm string, noFragment bool) (node map[string]any, self bool) {
	if hasKeyMaterial(d.obj) {
		id := jsonv.NodeID(d.obj)
		if (id == "" && noFragment) || (id != "" && (resolveRef(d.url, id) == vm || resolveRef(d.base, id) == vm)) {
			return d.obj, true
		}
	}
	var withKeys []map[string]any
	seen := map[string]bool{}
	for _, m := range d.methods() {
		id := resolveRef(d.base, jsonv.NodeID(m))
		if id == vm || resolveRef(d.url, jsonv.NodeID(m)) == vm {
			return m, false
		}
		if hasKeyMaterial(m) && !seen[id] {
			seen[id] = true
			withKeys = append(withKeys, m)
		}
	}
	if noFragment && len(withKeys) == 1 {
		return withKeys[0], false
	}
	return nil, false
}

// methods lists the verification method objects a controller document
// embeds, including the legacy publicKey list.
func (d *document) methods() []map[string]any {
	var out []map[string]any
	for _, field := range []string{"verificationMethod", "assertionMethod", "publicKey"} {
		for _, v := range jsonv.Items(d.obj[field]) {
			if m, ok := v.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// assertionRefs lists the absolute ids under assertionMethod, and whether
// the property is there at all.
func assertionRefs(obj map[string]any, base string) ([]string, bool) {
	v, present := obj["assertionMethod"]
	if !present {
		return nil, false
	}
	var refs []string
	for _, item := range jsonv.Items(v) {
		if r := jsonv.Ref(item); r != "" {
			refs = append(refs, resolveRef(base, r))
		}
	}
	return refs, true
}

// keyFromNode reads the key material of a verification method.
func keyFromNode(node map[string]any) (crypto.PublicKey, error) {
	if s, ok := node["publicKeyMultibase"].(string); ok {
		return FromMultibase(s)
	}
	if j, ok := node["publicKeyJwk"]; ok {
		raw, err := json.Marshal(j)
		if err != nil {
			return nil, &Error{Kind: BadKey, Err: err}
		}
		return FromJWK(raw)
	}
	if s, ok := node["publicKeyPem"].(string); ok {
		return FromPEM(s)
	}
	if s, ok := node["publicKeyBase58"].(string); ok {
		return fromBase58(s)
	}
	return nil, &Error{Kind: NotFound, Err: errors.New("the verification method has no public key")}
}

func hasKeyMaterial(m map[string]any) bool {
	for _, k := range []string{"publicKeyMultibase", "publicKeyJwk", "publicKeyPem", "publicKeyBase58"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// didWebURL maps did:web:host%3Aport:path:segments to
// https://host:port/path/segments/did.json, or to
// https://host/.well-known/did.json without a path.
func didWebURL(did string) (string, error) {
	msi := strings.TrimPrefix(did, "did:web:")
	if i := strings.IndexAny(msi, "?#"); i >= 0 {
		msi = msi[:i]
	}
	parts := strings.Split(msi, ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil || host == "" || strings.ContainsAny(host, "/?#@\\ ") {
		return "", fmt.Errorf("did:web host %q is not a host name", parts[0])
	}
	u, err := url.Parse("https://" + host + "/")
	if err != nil || u.Host != host || u.Hostname() == "" {
		return "", fmt.Errorf("did:web host %q is not a host name", host)
	}
	if len(parts) == 1 {
		return "https://" + host + "/.well-known/did.json", nil
	}
	segs := make([]string, 0, len(parts)-1)
	for _, p := range parts[1:] {
		s, err := url.PathUnescape(p)
		if err != nil || s == "" || s == "." || s == ".." || strings.Contains(s, "/") {
			return "", fmt.Errorf("did:web path segment %q", p)
		}
		segs = append(segs, url.PathEscape(s))
	}
	return "https://" + host + "/" + strings.Join(segs, "/") + "/did.json", nil
}

// resolveDIDWeb dereferences a did:web method that is not the issuer's own
// DID: the key must be an assertionMethod of its DID document and
// controlled by that DID (whether the issuer confirms it is the binding's
// question).
func resolveDIDWeb(ctx context.Context, f Fetcher, vm string) (*Key, error) {
	did, frag, _ := strings.Cut(vm, "#")
	docURL, err := didWebURL(did)
	if err != nil {
		return nil, &Error{Kind: BadDocument, Method: vm, Err: err}
	}
	doc, err := fetchDocument(ctx, f, docURL, vm)
	if err != nil {
		return nil, err
	}
	if id := jsonv.NodeID(doc.obj); id != did {
		return nil, errorf(BadDocument, vm, "DID document id %s is not %s", quoteShort(id), quoteShort(did))
	}
	doc.base = did
	refs, _ := assertionRefs(doc.obj, did)
	target := vm
	if frag == "" {
		if len(refs) != 1 {
			return nil, errorf(NotFound, vm, "the DID names no key and the document has %d assertion methods", len(refs))
		}
		target = refs[0]
	}
	if !slices.Contains(refs, target) {
		return nil, errorf(NotAssertionMethod, vm, "not listed in assertionMethod of %s", did)
	}
	node := doc.method(target)
	if node == nil {
		return nil, errorf(NotFound, vm, "the DID document of %s has no method %s", did, quoteShort(target))
	}
	pub, err := keyFromNode(node)
	if err != nil {
		return nil, withMethod(err, vm)
	}
	controller := did
	if c := jsonv.FirstRef(node, "controller"); c != "" {
		controller = resolveRef(did, c)
	}
	return &Key{ID: vm, Controller: controller, Public: pub, Source: FromDIDWeb}, nil
}

// ResolveOB2 resolves and binds the key of an Open Badges 2.0 signed
// assertion: creator is verification.creator, issuerProfile the issuer's
// Profile JSON. As 2.0 requires, the key must be listed in the profile's
// publicKey (as a URL, or embedded), and a key document that names an owner
// must name the issuer.
func ResolveOB2(ctx context.Context, f Fetcher, creator string, issuerProfile []byte) (*Key, error) {
	creator = strings.TrimSpace(creator)
	if s, ok := schemeOf(creator); !ok || (s != "http" && s != "https") {
		return nil, errorf(UnknownScheme, creator, "an Open Badges 2.0 key must be an http(s) URL")
	}
	var issuer map[string]any
	if err := json.Unmarshal(issuerProfile, &issuer); err != nil || issuer == nil {
		return nil, &Error{Kind: BadDocument, Method: creator, Err: fmt.Errorf("issuer profile: %v", err)}
	}
	issuerID := jsonv.NodeID(issuer)
	var node map[string]any
	listed := false
	for _, v := range jsonv.Items(issuer["publicKey"]) {
		if jsonv.Ref(v) != creator {
			continue
		}
		listed = true
		if m, ok := v.(map[string]any); ok && hasKeyMaterial(m) {
			node = m
		}
		break
	}
	if !listed {
		return nil, errorf(NotIssuerKey, creator, "the issuer %s does not list this key in publicKey", quoteShort(issuerID))
	}
	if node == nil {
		doc, err := fetchDocument(ctx, f, creator, creator)
		if err != nil {
			return nil, err
		}
		node = doc.obj
	}
	pub, err := keyFromNode(node)
	if err != nil {
		return nil, withMethod(err, creator)
	}
	if owner := jsonv.FirstRef(node, "owner", "controller"); owner != "" && owner != issuerID {
		return nil, errorf(NotIssuerKey, creator, "key owner %s is not the issuer %s", quoteShort(owner), quoteShort(issuerID))
	}
	return &Key{ID: creator, Controller: issuerID, Public: pub, Source: FromOB2, Binding: HostedDocument, Where: hostOf(issuerID)}, nil
}

// sameOrigin compares scheme and host:port of two http(s) URLs.
func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	if ua.Scheme != "http" && ua.Scheme != "https" {
		return false
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(hostPort(ua), hostPort(ub))
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return u.Host + ":443"
	}
	return u.Host + ":80"
}

// resolveRef makes ref absolute against base ("#key-1", "/keys/1", or
// already absolute).
func resolveRef(base, ref string) string {
	if ref == "" || isAbsolute(ref) {
		return ref
	}
	if strings.HasPrefix(ref, "#") {
		b, _, _ := strings.Cut(base, "#")
		return b + ref
	}
	bu, err := url.Parse(base)
	if err != nil || !bu.IsAbs() || (bu.Scheme != "http" && bu.Scheme != "https") {
		return ref
	}
	ru, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return bu.ResolveReference(ru).String()
}

func isAbsolute(s string) bool {
	_, ok := schemeOf(s)
	return ok
}
