package verify

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/jsonv"
	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/ldproof"
)

// maxStatusList bounds a decompressed status list (the spec's minimum is
// 16 KiB; 16 MiB is 134 million entries).
const maxStatusList = 16 << 20

// ob3Status checks every credentialStatus entry.
func (r *run) ob3Status(b *badge.Badge) {
	c := b.OB3.Credential
	entries := jsonv.Items(c["credentialStatus"])
	if len(entries) == 0 {
		return
	}
	for _, e := range entries {
		s := jsonv.Object(e)
		if s == nil {
			r.add("revocation", Warning, say("check.status.unreadable"), fmt.Sprint(e))
			continue
		}
		switch t := jsonv.TrimmedString(s, "type"); t {
		case "1EdTechRevocationList":
			r.revocationList3(c, s)
		case "BitstringStatusListEntry", "StatusList2021Entry":
			r.statusList(c, s, t)
		default:
			r.add("revocation", Warning, say("check.status.unknown_type"), "credentialStatus type "+t)
		}
	}
}

func (r *run) revocationList3(c, s map[string]any) {
	u := jsonv.TrimmedString(s, "id")
	list, _, err := r.getJSON(u)
	if err != nil {
		r.add("revocation", Warning, say("check.status.list_fetch_failed").then(fetchMsg(err)), err.Error())
		return
	}
	id := jsonv.TrimmedString(c, "id")
	for _, e := range jsonv.Items(list["revokedCredential"]) {
		if jsonv.TrimmedID(e) == id && id != "" {
			m := say("check.status.revoked")
			if reason := jsonv.TrimmedString(jsonv.Object(e), "revocationReason"); reason != "" {
				m = m.then(say("check.revocation.reason", "Reason", reason))
			}
			r.add("revocation", Failed, m, "listed in "+u)
			return
		}
	}
	r.add("revocation", Passed, say("check.status.list_ok"), u)
}

// statusList reads the bit for this credential in a Bitstring / 2021 status
// list credential.
func (r *run) statusList(c, s map[string]any, typ string) {
	purpose := firstNonEmpty(jsonv.TrimmedString(s, "statusPurpose"), "revocation")
	listURL := jsonv.TrimmedString(s, "statusListCredential")
	idx, err := statusIndex(s["statusListIndex"])
	if err != nil {
		r.add("revocation", Warning, say("check.status.entry_malformed"), err.Error())
		return
	}
	if size := s["statusSize"]; size != nil {
		if n, err := statusIndex(size); err != nil || n != 1 {
			r.add("revocation", Warning, say("check.status.entry_multibit"), fmt.Sprintf("statusSize %v", size))
			return
		}
	}
	if !isHTTPURL(listURL) {
		r.add("revocation", Warning, say("check.status.list_not_web"), listURL)
		return
	}
	resp, err := r.get(listURL, fetchJSON)
	if err == nil && (resp.Status < 200 || resp.Status > 299) {
		err = &statusError{status: resp.Status, url: resp.URL}
	}
	if err != nil {
		r.add("revocation", Warning, say("check.status.status_list_fetch_failed").then(fetchMsg(err)), err.Error())
		return
	}
	lb, err := badge.Read(resp.Body)
	var list map[string]any
	if err == nil && lb.OB3 != nil {
		list = lb.OB3.Credential
	} else if m, derr := jsonv.DecodeObjectText(resp.Body); derr == nil {
		list = m
	} else {
		r.add("revocation", Warning, say("check.status.status_list_unreadable"), fmt.Sprint(err))
		return
	}
	trusted, trustNote := r.statusListTrusted(c, list, lb)
	subj := jsonv.Object(firstItem(list["credentialSubject"]))
	if lp := jsonv.TrimmedString(subj, "statusPurpose"); lp != "" && lp != purpose {
		r.add("revocation", Warning, say("check.status.purpose_mismatch"), "list "+lp+", entry "+purpose)
		return
	}
	bits, err := decodeStatusList(jsonv.TrimmedString(subj, "encodedList"))
	if err != nil {
		r.add("revocation", Warning, say("check.status.undecodable"), err.Error())
		return
	}
	if idx >= len(bits)*8 {
		r.add("revocation", Warning, say("check.status.index_beyond"), fmt.Sprintf("index %d, list of %d entries", idx, len(bits)*8))
		return
	}
	set := bits[idx/8]&(0x80>>(idx%8)) != 0
	detail := fmt.Sprintf("%s %s index %d of %s", typ, purpose, idx, listURL)
	if trustNote != "" {
		detail += "; " + trustNote
	}
	switch {
	case set && purpose == "suspension":
		r.add("revocation", Failed, say("check.status.suspended"), detail)
	case set:
		r.add("revocation", Failed, say("check.status.revoked"), detail)
	case !trusted:
		r.add("revocation", Warning, say("check.status.not_revoked_untrusted"), detail)
	default:
		r.add("revocation", Passed, say("check.status.not_revoked"), detail)
	}
}

// statusListTrusted verifies the status list credential's proof and that it
// comes from the credential's issuer. A revoked bit is honoured either way
// (a false "revoked" cannot help anyone forge a badge); a clear bit from an
// unconfirmed list is only a warning.
func (r *run) statusListTrusted(c, list map[string]any, lb *badge.Badge) (bool, string) {
	issuer := jsonv.TrimmedID(c["issuer"])
	if li := jsonv.TrimmedID(list["issuer"]); li != issuer {
		return false, fmt.Sprintf("list issuer %q differs from credential issuer %q", li, issuer)
	}
	if lb != nil && lb.JWS != "" {
		return false, "list is a JWT (not verified)"
	}
	proofs := ldproof.Proofs(list)
	if len(proofs) == 0 {
		return false, "list has no proof"
	}
	for _, p := range proofs {
		key, err := keys.Resolve(r.ctx, r.memo, p.VerificationMethod, issuer)
		if err != nil {
			return false, "list key: " + err.Error()
		}
		if !key.Bound() {
			return false, "list key " + key.ID + " is not confirmed as the issuer's"
		}
		if err := ldproof.Verify(list, p, key.Public); err != nil {
			return false, "list proof: " + err.Error()
		}
	}
	return true, ""
}

func statusIndex(v any) (int, error) {
	var s string
	switch t := v.(type) {
	case string:
		s = t
	case fmt.Stringer:
		s = t.String()
	case float64:
		s = strconv.FormatFloat(t, 'f', -1, 64)
	default:
		return 0, fmt.Errorf("statusListIndex %v is not a number", v)
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("statusListIndex %q is not a non-negative whole number", s)
	}
	return n, nil
}

// decodeStatusList decodes encodedList: multibase base64url ("u" prefix,
// Bitstring Status List) or plain base64url (Status List 2021), then GZIP.
func decodeStatusList(enc string) ([]byte, error) {
	enc = strings.TrimSpace(enc)
	if enc == "" {
		return nil, errors.New("encodedList is empty")
	}
	var raw []byte
	var err error
	if strings.HasPrefix(enc, "u") {
		raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(enc[1:], "="))
	}
	if raw == nil {
		raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(enc, "="))
	}
	if err != nil {
		return nil, fmt.Errorf("encodedList is not base64url: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not GZIP: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxStatusList+1))
	if err != nil {
		return nil, fmt.Errorf("encodedList GZIP: %w", err)
	}
	if len(out) > maxStatusList {
		return nil, errors.New("status list is too large")
	}
	return out, nil
}
