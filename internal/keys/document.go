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
	if id := idOf(obj); isAbsolute(id) {
		d.base = id
	}
	return d, nil
}

// resolveDocument handles an http(s) verification method: a key document,
// or a controller document that contains the method.
func resolveDocument(ctx context.Context, f Fetcher, vm, issuerID string) (*Key, error) {
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
	controller := firstString(node, "controller", "owner")
	if controller != "" {
		controller = resolveRef(doc.base, controller)
	} else if !self {
		controller = resolveRef(doc.url, idOf(doc.obj)) // a controller document controls what it embeds
	}
	if controller == "" {
		return nil, errorf(ControllerMismatch, vm, "the key names no controller")
	}
	if controller != issuerID {
		return nil, errorf(ControllerMismatch, vm, "key controller %s is not the issuer %s", quoteShort(controller), quoteShort(issuerID))
	}
	if !self {
		if refs, present := assertionRefs(doc.obj, doc.base); present && !slices.Contains(refs, resolveRef(doc.base, idOf(node))) {
			return nil, errorf(NotAssertionMethod, vm, "not listed in assertionMethod of %s", doc.url)
		}
	}
	// Anyone can publish a document that names any controller; only the
	// controller's own site, or the controller's document, can vouch.
	if !sameOrigin(doc.url, controller) {
		if err := confirmByController(ctx, f, vm, resolveRef(doc.base, idOf(node)), controller); err != nil {
			return nil, err
		}
	}
	return &Key{ID: vm, Controller: controller, Public: pub, Source: FromDocument, IssuerBound: true}, nil
}

// find returns the node describing vm and whether it is the document
// itself. With no fragment in vm and no node of that id, a document holding
// exactly one key is taken to mean that key.
func (d *document) find(vm string, noFragment bool) (node map[string]any, self bool) {
	if hasKeyMaterial(d.obj) {
		id := idOf(d.obj)
		if (id == "" && noFragment) || (id != "" && (resolveRef(d.url, id) == vm || resolveRef(d.base, id) == vm)) {
			return d.obj, true
		}
	}
	var withKeys []map[string]any
	seen := map[string]bool{}
	for _, m := range d.methods() {
		id := resolveRef(d.base, idOf(m))
		if id == vm || resolveRef(d.url, idOf(m)) == vm {
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
		for _, v := range list(d.obj[field]) {
			if m, ok := v.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// references reports whether the document lists id as one of its methods,
// in assertionMethod when it has one.
func (d *document) references(id string) bool {
	if refs, present := assertionRefs(d.obj, d.base); present {
		return slices.Contains(refs, id)
	}
	for _, field := range []string{"verificationMethod", "publicKey"} {
		for _, v := range list(d.obj[field]) {
			if resolveRef(d.base, refOf(v)) == id {
				return true
			}
		}
	}
	return false
}

// assertionRefs lists the absolute ids under assertionMethod, and whether
// the property is there at all.
func assertionRefs(obj map[string]any, base string) ([]string, bool) {
	v, present := obj["assertionMethod"]
	if !present {
		return nil, false
	}
	var refs []string
	for _, item := range list(v) {
		if r := refOf(item); r != "" {
			refs = append(refs, resolveRef(base, r))
		}
	}
	return refs, true
}

// confirmByController fetches the controller's own document (an http(s)
// URL or a did:web DID) and checks that it lists the key.
func confirmByController(ctx context.Context, f Fetcher, vm, keyID, controller string) error {
	ctrl, _, _ := strings.Cut(controller, "#")
	var docURL string
	switch scheme, _ := schemeOf(ctrl); {
	case scheme == "http" || scheme == "https":
		docURL = ctrl
	case strings.HasPrefix(ctrl, "did:web:"):
		u, err := didWebURL(ctrl)
		if err != nil {
			return &Error{Kind: ControllerMismatch, Method: vm, Err: err}
		}
		docURL = u
	default:
		return errorf(ControllerMismatch, vm, "controller %s cannot confirm a key published elsewhere", quoteShort(controller))
	}
	doc, err := fetchDocument(ctx, f, docURL, vm)
	if err != nil {
		var ke *Error
		if errors.As(err, &ke) && ke.Kind == NotFound {
			return errorf(ControllerMismatch, vm, "controller document %s not found", docURL)
		}
		return err
	}
	if !sameOrigin(doc.url, docURL) {
		return errorf(ControllerMismatch, vm, "controller document redirected to another site")
	}
	if id := idOf(doc.obj); id != "" && resolveRef(doc.url, id) != ctrl {
		return errorf(ControllerMismatch, vm, "controller document %s has id %s", docURL, quoteShort(id))
	}
	doc.base = ctrl
	if !doc.references(keyID) && !doc.references(vm) {
		return errorf(ControllerMismatch, vm, "controller %s does not list the key", quoteShort(controller))
	}
	return nil
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

// resolveDIDWeb fetches the DID document and takes the key from it; the key
// must be an assertionMethod and controlled by the DID, which must be the
// issuer.
func resolveDIDWeb(ctx context.Context, f Fetcher, vm, issuerID string) (*Key, error) {
	did, frag, _ := strings.Cut(vm, "#")
	docURL, err := didWebURL(did)
	if err != nil {
		return nil, &Error{Kind: BadDocument, Method: vm, Err: err}
	}
	doc, err := fetchDocument(ctx, f, docURL, vm)
	if err != nil {
		return nil, err
	}
	if id := idOf(doc.obj); id != did {
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
	var node map[string]any
	for _, m := range doc.methods() {
		if resolveRef(did, idOf(m)) == target {
			node = m
			break
		}
	}
	if node == nil {
		return nil, errorf(NotFound, vm, "the DID document of %s has no method %s", did, quoteShort(target))
	}
	pub, err := keyFromNode(node)
	if err != nil {
		return nil, withMethod(err, vm)
	}
	controller := did
	if c := firstString(node, "controller"); c != "" {
		controller = resolveRef(did, c)
	}
	if controller != did {
		return nil, errorf(ControllerMismatch, vm, "the key in %s's document is controlled by %s", did, quoteShort(controller))
	}
	if controller != issuerID {
		return nil, errorf(ControllerMismatch, vm, "key controller %s is not the issuer %s", quoteShort(controller), quoteShort(issuerID))
	}
	return &Key{ID: vm, Controller: controller, Public: pub, Source: FromDIDWeb, IssuerBound: true}, nil
}

// ResolveOB2 resolves the key of an Open Badges 2.0 signed assertion:
// creator is verification.creator, issuerProfile the issuer's Profile JSON.
// The key must be listed in the profile's publicKey (as a URL, or embedded),
// and a key document that names an owner must name the issuer.
func ResolveOB2(ctx context.Context, f Fetcher, creator string, issuerProfile []byte) (*Key, error) {
	creator = strings.TrimSpace(creator)
	if s, ok := schemeOf(creator); !ok || (s != "http" && s != "https") {
		return nil, errorf(UnknownScheme, creator, "an Open Badges 2.0 key must be an http(s) URL")
	}
	var issuer map[string]any
	if err := json.Unmarshal(issuerProfile, &issuer); err != nil || issuer == nil {
		return nil, &Error{Kind: BadDocument, Method: creator, Err: fmt.Errorf("issuer profile: %v", err)}
	}
	issuerID := idOf(issuer)
	var node map[string]any
	listed := false
	for _, v := range list(issuer["publicKey"]) {
		if refOf(v) != creator {
			continue
		}
		listed = true
		if m, ok := v.(map[string]any); ok && hasKeyMaterial(m) {
			node = m
		}
		break
	}
	if !listed {
		return nil, errorf(ControllerMismatch, creator, "the issuer %s does not list this key in publicKey", quoteShort(issuerID))
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
	if owner := firstString(node, "owner", "controller"); owner != "" && owner != issuerID {
		return nil, errorf(ControllerMismatch, creator, "key owner %s is not the issuer %s", quoteShort(owner), quoteShort(issuerID))
	}
	return &Key{ID: creator, Controller: issuerID, Public: pub, Source: FromOB2, IssuerBound: true}, nil
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

func idOf(m map[string]any) string {
	if s, ok := m["id"].(string); ok {
		return s
	}
	s, _ := m["@id"].(string)
	return s
}

// refOf is a string reference or the id of an embedded object.
func refOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return idOf(t)
	}
	return ""
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := refOf(m[k]); s != "" {
			return s
		}
	}
	return ""
}

func list(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}
