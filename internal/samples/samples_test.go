package samples_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgeimg"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/ldproof"
	"github.com/satchel-backpack/satchel/internal/samples"
	"github.com/satchel-backpack/satchel/internal/verify"
)

// dir is static/samples seen from this package.
var dir = filepath.Join("..", "..", filepath.FromSlash(samples.Dir))

// offline is the real guarded client, wrapped to record any request: the
// samples must verify without one.
type offline struct {
	c    *fetch.Client
	mu   sync.Mutex
	urls []string
}

func (o *offline) Get(ctx context.Context, url string, kind fetch.Kind) (*fetch.Response, error) {
	o.mu.Lock()
	o.urls = append(o.urls, url)
	o.mu.Unlock()
	return o.c.Get(ctx, url, kind)
}

func committed(t *testing.T) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "README.md" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	if len(files) == 0 {
		t.Fatalf("no sample files in %s", dir)
	}
	return files
}

// Every committed sample verifies offline, today, as valid for
// learner@example.org, except the expired one, which fails on its expiry
// date alone.
func TestCommittedSamplesVerify(t *testing.T) {
	t.Parallel()
	f := &offline{c: fetch.New(fetch.Options{Timeout: 5 * time.Second})}
	v := verify.New(f, verify.Options{Now: time.Now})
	me := []badge.Identifier{{Type: "email", Value: samples.Recipient}}
	expired := 0
	for name, data := range committed(t) {
		t.Run(name, func(t *testing.T) {
			b, rep, err := v.VerifyBytes(context.Background(), data, me)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if b.Version != badge.V3_0 || !slices.Contains(b.OB3.Types, "OpenBadgeCredential") {
				t.Errorf("version %s, types %v; want an Open Badges 3.0 credential", b.Version, b.OB3.Types)
			}
			wantFormat := badge.Format(strings.TrimPrefix(filepath.Ext(name), "."))
			if b.Format != wantFormat {
				t.Errorf("format %s, want %s", b.Format, wantFormat)
			}
			checks := map[string]verify.Status{}
			for _, c := range rep.Checks {
				checks[c.ID] = c.Status
				if c.ID != "expiry" && c.Status != verify.Passed {
					t.Errorf("check %s: %s: %s (%s)", c.ID, c.Status, c.Message, c.Detail)
				}
			}
			for _, id := range []string{"format", "context", "type", "schema", "key", "proof", "issued", "expiry", "recipient"} {
				if _, ok := checks[id]; !ok {
					t.Errorf("no %q check in the report", id)
				}
			}
			isExpired := strings.Contains(name, "expired")
			switch {
			case isExpired:
				expired++
				if rep.Verdict != verify.Invalid || checks["expiry"] != verify.Failed {
					t.Errorf("expired sample: verdict %s, expiry %s; want invalid because expired", rep.Verdict, checks["expiry"])
				}
				if !b.Expires.Before(time.Now()) {
					t.Errorf("expires %v is not in the past", b.Expires)
				}
			default:
				if rep.Verdict != verify.Valid || checks["expiry"] != verify.Passed {
					t.Errorf("verdict %s, expiry %s; want valid", rep.Verdict, checks["expiry"])
				}
			}
			// Clean against the 1EdTech schema, not merely readable.
			if err := ldproof.ValidateSchema(b.Payload, "achievementcredential"); err != nil {
				t.Errorf("schema: %v", err)
			}
			if id, ok := badge.MatchRecipient(b, me); !ok || id.Value != samples.Recipient {
				t.Errorf("not issued to %s", samples.Recipient)
			}
			// The address is hashed, never written out.
			if bytes.Contains(data, []byte(samples.Recipient)) {
				t.Errorf("the file contains the recipient's address in clear")
			}
			if id := b.Recipient.Identities[0]; id.Type != "email" || !id.Hashed || !strings.HasPrefix(id.Identity, "sha256$") || id.Salt == "" {
				t.Errorf("recipient identity %+v, want a salted sha256 email hash", id)
			}
			// What the backpack shows and stores.
			if b.Name == "" || b.Description == "" || b.Criteria.Narrative == "" || b.Issuer.Name == "" ||
				len(b.Tags) == 0 || b.Image.Caption == "" || b.IssuedOn.IsZero() {
				t.Errorf("missing display fields: %+v", b)
			}
			img, err := badgeimg.FromDataURI(b.Image.URL)
			if err != nil {
				t.Fatalf("achievement image: %v", err)
			}
			info, err := badgeimg.Check(img)
			if err != nil || info.Width != 256 || info.Height != 256 {
				t.Errorf("achievement image: %+v, %v; want a 256×256 image", info, err)
			}
			if b.Format == badge.FormatPNG || b.Format == badge.FormatSVG {
				if _, err := badgeimg.Check(data); err != nil {
					t.Errorf("the baked file is not an acceptable badge image: %v", err)
				}
			}
		})
	}
	if expired != 1 {
		t.Errorf("%d expired samples, want exactly 1", expired)
	}
	if len(f.urls) > 0 {
		t.Errorf("verification fetched %v; the samples must verify offline", f.urls)
	}
}

// The committed files are exactly what the generator makes, and making them
// again gives the same bytes.
func TestGenerateIsDeterministicAndCommitted(t *testing.T) {
	t.Parallel()
	first, err := samples.Generate()
	if err != nil {
		t.Fatal(err)
	}
	second, err := samples.Generate()
	if err != nil {
		t.Fatal(err)
	}
	files := committed(t)
	if len(first) != len(files) {
		t.Errorf("%d generated samples, %d files in %s", len(first), len(files), dir)
	}
	formats := map[badge.Format]int{}
	for i, s := range first {
		formats[s.Format]++
		if !bytes.Equal(s.Data, second[i].Data) {
			t.Errorf("%s: two runs of Generate differ", s.File)
		}
		if have, ok := files[s.File]; !ok {
			t.Errorf("%s is not committed in %s", s.File, dir)
		} else if !bytes.Equal(have, s.Data) {
			t.Errorf("%s in %s is out of date; run go run ./cmd/mksamples", s.File, dir)
		}
	}
	if formats[badge.FormatPNG] == 0 || formats[badge.FormatSVG] == 0 || formats[badge.FormatJSON] == 0 {
		t.Errorf("formats %v; want at least one baked PNG, one baked SVG and one JSON", formats)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range first {
		if !bytes.Contains(readme, []byte(s.File)) {
			t.Errorf("README.md does not mention %s", s.File)
		}
	}
}

// Write puts the same files in any directory.
func TestWrite(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	names, err := samples.Write(out)
	if err != nil {
		t.Fatal(err)
	}
	files := committed(t)
	for _, n := range names {
		got, err := os.ReadFile(filepath.Join(out, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, files[n]) {
			t.Errorf("%s written differs from the committed file", n)
		}
	}
}

// Changing a signed sample breaks its signature: the samples are really
// signed, not merely shaped like signed credentials.
func TestSamplesAreReallySigned(t *testing.T) {
	t.Parallel()
	data := committed(t)["data-analysis-with-python.json"]
	if data == nil {
		t.Fatal("data-analysis-with-python.json is missing")
	}
	tampered := bytes.Replace(data, []byte("Introduction to Data Analysis"), []byte("Advanced Data Analysis"), 1)
	if bytes.Equal(tampered, data) {
		t.Fatal("tampering changed nothing")
	}
	v := verify.New(&offline{c: fetch.New(fetch.Options{})}, verify.Options{})
	_, rep, err := v.VerifyBytes(context.Background(), tampered, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks {
		if c.ID == "proof" {
			if c.Status != verify.Failed {
				t.Errorf("tampered credential: proof %s", c.Status)
			}
			return
		}
	}
	t.Error("no proof check")
}
