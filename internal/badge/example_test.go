package badge_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/satchel-backpack/satchel/internal/badge"
)

func Example() {
	var img bytes.Buffer
	_ = png.Encode(&img, image.NewGray(image.Rect(0, 0, 1, 1)))

	credential := []byte(`{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "https://school.example", "type": ["Profile"], "name": "Example School"},
  "validFrom": "2024-06-01T00:00:00Z",
  "credentialSubject": {"type": ["AchievementSubject"], "id": "mailto:ada@example.org",
    "achievement": {"type": ["Achievement"], "name": "Bread baking", "criteria": {"narrative": "Bake a loaf."}}}
}`)
	baked, err := badge.Bake(img.Bytes(), credential)
	if err != nil {
		panic(err)
	}
	b, err := badge.Read(baked)
	if err != nil {
		panic(err)
	}
	fmt.Println(b.Format, b.Version, b.Name, "from", b.Issuer.Name, b.IssuedOn.Format("2006-01-02"))

	me := []badge.Identifier{{Type: "email", Value: "Ada@Example.org"}}
	_, ok := badge.MatchRecipient(b, me)
	fmt.Println("issued to", badge.IssuedTo(b), "- mine:", ok)

	_, err = badge.Read(img.Bytes())
	fmt.Println(err == badge.ErrNoBadgeData)
	// Output:
	// png 3.0 Bread baking from Example School 2024-06-01
	// issued to an email address - mine: true
	// true
}
